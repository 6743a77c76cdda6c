// @metis/activities/llm: LLM analyses on node-llama-cpp (loaded on first use).
export { loadLlmEngine, sharedLlmEngine, LLM_DEFAULT_TIMEOUT_MS } from './llama-cpp-engine.ts';
export type { LlmEngineOptions } from './llama-cpp-engine.ts';
export type { LlmCompletion, LlmEngine, LlmEngineInfo, LlmEngineStats, LlmJsonCompletion, LlmJsonRequest, LlmProgress, LlmRequest } from './llm-engine.ts';
export { LlmCancelledError, LlmEngineClosedError, LlmInputError, LlmModelError, LlmOutputError, LlmTimeoutError } from './errors.ts';
export type { LlmErrorCode } from './errors.ts';
export { validateJson, maxJsonBytes } from './json-schema.ts';
export type { JsonSchema, JsonValue } from './json-schema.ts';
export { inspectModelFile } from './model-file.ts';
export type { ModelFileInfo } from './model-file.ts';
export { createLlmActivities, loadAnalysis } from './llm-activities.ts';
export type { AnalysisUsage, AnalyzeApplicationInput, AnalyzeApplicationResult, LlmActivities, LlmActivityDeps, StoreAnalysisInput, StoredAnalysis } from './llm-activities.ts';
export { underwritingNoteSchema, underwritingPrompt, RISK_FLAGS, RECOMMENDATIONS, MAX_APPLICATION_CHARS } from './underwriting-note.ts';
export type { ApplicationFields, Recommendation, RiskFlag, UnderwritingNote, UnderwritingNoteLimits } from './underwriting-note.ts';
export { checkBriefFields, maskPersonalData, reviewBriefFacts, reviewBriefPrompt, reviewBriefSchema, MAX_BRIEF_FACTS_CHARS } from './review-brief.ts';
export type { BriefFactSections, BriefFactValue, ReviewBrief, ReviewBriefFacts, ReviewBriefFlag, ReviewBriefLimits, ReviewBriefSources } from './review-brief.ts';
export { createReviewBriefActivities, loadReviewBrief, reviewBriefAnalysisId, REVIEW_BRIEF_KIND } from './review-brief-activities.ts';
export type { ReviewBriefActivities, ReviewBriefActivityDeps, ReviewBriefResult, StoreReviewBriefInput, StoredReviewBrief, WriteReviewBriefInput, WriteReviewBriefOutput } from './review-brief-activities.ts';
