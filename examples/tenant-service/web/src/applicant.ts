// The applicant's page: walks the tenant's KYC journey. It builds the same machine as the service
// from the tenant's config, checks each step with it before sending anything, sends the step (with
// its images as multipart), shows the service's refusals, and follows automated states until they
// finish, showing their verification report.
import { createJourney } from '@metis/fsm';
import type { Journey, JourneyConfigInput } from '@metis/fsm';
import { ApiProblem, call, clearToken } from './api.ts';
import type { ProblemBody } from './api.ts';
import { byId, h, humanize, show } from './dom.ts';
import { loadStanding, standingOf } from './journey-view.ts';
import type { Standing, StepAnswer } from './journey-view.ts';
import { showFailure, signIn } from './sign-in.ts';
import { stepForm } from './step-form.ts';
import type { ShownError, StepForm, StepInput } from './step-form.ts';
import { verificationReport } from './verification-report.ts';

const POLL_MS = 1000;
/** Codes that mean the journey is no longer where the page thought: the page reloads it. */
const MOVED_ON = new Set(['wrong_state', 'journey_finished', 'automated_state']);

interface Notice {
  readonly title: string;
  readonly messages: readonly string[];
  readonly code?: string;
}

class ApplicantPage {
  private standing: Standing | undefined;
  private generation = 0;
  private readonly noticeSlot = h('div', { id: 'notice-slot' });
  private readonly main: HTMLElement;
  private readonly journey: Journey;
  private readonly tenantId: string;
  private readonly applicantId: string;

  constructor(main: HTMLElement, journey: Journey, tenantId: string, applicantId: string) {
    this.main = main;
    this.journey = journey;
    this.tenantId = tenantId;
    this.applicantId = applicantId;
  }

  private label(field: string): string {
    return this.journey.config.fields[field]?.label ?? humanize(field);
  }

  async reload(notice?: Notice): Promise<void> {
    this.render(await loadStanding(this.journey, this.tenantId, this.applicantId), notice);
  }

  private notify(notice: Notice | undefined): void {
    show(
      this.noticeSlot,
      notice
        ? h('div', { id: 'notice', class: 'problem card', role: 'alert', 'data-code': notice.code }, h('strong', {}, notice.title), notice.messages.length > 0 ? h('ul', {}, ...notice.messages.map((m) => h('li', {}, m))) : null)
        : null,
    );
  }

  render(standing: Standing, notice?: Notice): void {
    this.standing = standing;
    const generation = ++this.generation;
    const { view } = standing;
    const info = this.journey.stateInfo(view.state);
    const missing = view.missingFields;
    const summary = h(
      'section',
      { id: 'standing', class: 'card', 'data-state': view.state, 'data-status': view.status, 'data-missing': missing.join(',') },
      h('p', {}, 'Step: ', h('strong', { id: 'state' }, humanize(view.state)), view.status === 'done' ? ' (finished)' : ''),
      h('p', { id: 'missing' }, missing.length > 0 ? `Still needed: ${missing.map((f) => this.label(f)).join(', ')}.` : 'Nothing is missing.'),
    );
    let body: HTMLElement;
    if (view.status === 'done') {
      body = h('p', { id: 'done', class: 'ok card' }, `Your ${this.journey.config.name} is complete.`);
    } else if (info.automated) {
      body = h(
        'div',
        { id: 'automation', class: 'card' },
        h('p', {}, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ` ${info.description ?? 'Checking what you sent'}… this page updates by itself.`),
        view.automationError ? h('p', { class: 'problem' }, `The check failed and is retried: ${view.automationError}`) : null,
      );
      setTimeout(() => void this.poll(generation), POLL_MS);
    } else {
      body = stepForm(this.journey, view.state, view.data, (form) => void this.submit(form)).element;
    }
    const note = standing.snapshot ? null : h('p', { class: 'hint' }, `This journey runs version ${view.version}; the service checks its steps.`);
    const reports = this.journey.states.filter((s) => s.automated).map((s) => verificationReport(s.name, view.results[s.name]));
    show(this.main, this.noticeSlot, summary, note, body, ...reports);
    this.notify(notice);
  }

  private async poll(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    try {
      const next = await loadStanding(this.journey, this.tenantId, this.applicantId);
      if (generation !== this.generation) return;
      if (next.view.state !== this.standing?.view.state || next.view.automationError !== this.standing.view.automationError) this.render(next);
      else setTimeout(() => void this.poll(generation), POLL_MS);
    } catch (failure) {
      this.notify({ title: 'Could not reach the service; retrying.', messages: [failure instanceof Error ? failure.message : String(failure)] });
      setTimeout(() => void this.poll(generation), POLL_MS * 3);
    }
  }

  private async submit(form: StepForm): Promise<void> {
    const standing = this.standing;
    if (!standing) return;
    form.clearErrors();
    this.notify(undefined);
    const read = await form.read();
    if (!read.ok) return this.showErrors(form, read.errors, 'Check the highlighted fields.');
    const state = standing.view.state;
    // The same machine as the service's, dated today (UTC) as the service dates a step: a step it refuses is not sent.
    if (standing.snapshot) {
      const checked = this.journey.step(standing.snapshot, { type: 'SUBMIT', state, data: read.input.checked, asOf: new Date().toISOString().slice(0, 10) });
      if (!checked.ok) return this.showErrors(form, checked.errors, 'Check the highlighted fields.');
    }
    form.setBusy(true);
    try {
      const answer = await this.send(state, read.input);
      this.render(standingOf(this.journey, answer.journey));
    } catch (failure) {
      form.setBusy(false);
      if (failure instanceof ApiProblem) await this.refused(form, failure.problem);
      else this.notify({ title: 'The step could not be sent.', messages: [failure instanceof Error ? failure.message : String(failure)] });
    }
  }

  private send(step: string, input: StepInput): Promise<StepAnswer> {
    const path = `/v1/journeys/${encodeURIComponent(this.journey.journeyType)}/${encodeURIComponent(this.applicantId)}/steps`;
    if (input.files.size === 0) return call<StepAnswer>('POST', path, { json: { step, data: input.data } });
    const body = new FormData();
    body.append('step', step);
    body.append('data', JSON.stringify(input.data));
    for (const [field, file] of input.files) body.append(field, file, file.name);
    return call<StepAnswer>('POST', path, { form: body });
  }

  private showErrors(form: StepForm, errors: readonly ShownError[], title: string, code?: string): void {
    const unmatched = form.showErrors(errors);
    this.notify({ title, messages: unmatched.map((e) => e.message), ...(code ? { code } : {}) });
  }

  private async refused(form: StepForm, problem: ProblemBody): Promise<void> {
    if (problem.status === 401) {
      clearToken();
      location.reload();
      return;
    }
    const errors = problem.errors ?? [];
    // The field errors say why; without them the problem's detail does.
    const title = errors.length > 0 ? 'The service refused the step.' : `The service refused the step: ${problem.detail}`;
    if (problem.code === 'CONFLICT' || errors.some((e) => MOVED_ON.has(e.code))) {
      // The journey moved on (another tab, the lender's backend): show where it stands now.
      await this.reload({ title, messages: errors.map((e) => e.message), code: problem.code });
      return;
    }
    this.showErrors(form, errors, title, problem.code);
  }
}

async function start(): Promise<void> {
  const main = byId('main');
  try {
    const me = await signIn(main, byId('who'));
    if (!me.applicantId) return showFailure(main, new Error('This page is for applicants: the token names no applicant.'));
    const journeyType = me.journeyTypes.includes('kyc') ? 'kyc' : me.journeyTypes[0];
    if (!journeyType) return showFailure(main, new Error(`${me.tenantId} has no journeys.`));
    const config = await call<JourneyConfigInput>('GET', `/v1/journey-configs/${encodeURIComponent(journeyType)}`);
    await new ApplicantPage(main, createJourney(config), me.tenantId, me.applicantId).reload();
  } catch (failure) {
    showFailure(main, failure);
  }
}

void start();
