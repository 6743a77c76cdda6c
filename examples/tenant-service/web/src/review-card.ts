// One loan waiting for review: the application, the underwriter's brief (or where its writing
// stands), and approve and reject buttons with the reason for the decision.
import { h } from './dom.ts';

/** A brief's flag: the risk and the facts behind it. */
export interface BriefFlag {
  readonly flag: string;
  readonly fields: readonly string[];
}

/** A written brief as the service stores it (`StoredReviewBrief`). */
export interface StoredBrief {
  readonly brief: { readonly summary: string; readonly flags: readonly BriefFlag[]; readonly questions: readonly string[] };
  readonly facts: Readonly<Record<string, string | number | boolean | null>>;
  readonly model: string;
}

/** Where a loan's brief stands (`LoanReviewBrief`, from `GET /v1/reviews/{applicationId}`). */
export type BriefStatus =
  | { readonly status: 'pending'; readonly progress?: { readonly tokens: number; readonly phase: string } }
  | { readonly status: 'completed'; readonly brief: StoredBrief }
  | { readonly status: 'unavailable'; readonly reason: string }
  | { readonly status: 'failed'; readonly error: string };

/** A loan waiting for a manual decision (`GET /v1/reviews`): its brief once written, else null. */
export interface Review {
  readonly applicationId: string;
  readonly applicantId: string;
  readonly amount: number | string;
  readonly status: string;
  readonly createdAt: string;
  readonly brief: StoredBrief | null;
}

/** An underwriter's verdict. */
export type Outcome = 'approve' | 'reject';

/** A rendered review. */
export interface ReviewCard {
  readonly applicationId: string;
  readonly element: HTMLElement;
  /** The reason typed so far. */
  reason(): string;
  /** Show where the brief's writing stands (for a review listed without one). */
  showBriefStatus(status: BriefStatus | null): void;
  /** Show why the decision was not recorded, and enable the buttons again. */
  fail(message: string): void;
}

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });

function writtenBrief({ brief, facts, model }: StoredBrief): HTMLElement {
  const fact = (path: string): string => `${path} = ${JSON.stringify(facts[path] ?? null)}`;
  return h(
    'div',
    { class: 'brief', 'data-brief': 'completed' },
    h('p', { class: 'summary' }, brief.summary),
    brief.flags.length > 0 ? h('ul', { class: 'flags' }, ...brief.flags.map((f) => h('li', { 'data-flag': f.flag }, h('strong', {}, f.flag.replaceAll('_', ' ')), ` — ${f.fields.map(fact).join('; ')}`))) : h('p', { class: 'hint' }, 'No flags.'),
    brief.questions.length > 0 ? h('ol', { class: 'questions' }, ...brief.questions.map((q) => h('li', {}, q))) : null,
    h('p', { class: 'hint' }, `Written by ${model}.`),
  );
}

function briefSection(stored: StoredBrief | null, status: BriefStatus | null | undefined, check: () => void): HTMLElement {
  if (stored) return writtenBrief(stored);
  // Listed without a brief: being written, until the review's own route says otherwise.
  if (status === undefined || status?.status === 'pending') {
    const tokens = status?.status === 'pending' && status.progress ? ` (${status.progress.tokens} tokens so far)` : '';
    const button = h('button', { type: 'button', class: 'link', 'data-action': 'brief-status' }, status === undefined ? 'Check' : 'Check again');
    button.addEventListener('click', check);
    return h('p', { class: 'brief hint', 'data-brief': 'pending' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ` The brief is being written${tokens}… `, button);
  }
  if (status === null) return h('p', { class: 'brief hint', 'data-brief': 'none' }, 'No brief for this loan.');
  switch (status.status) {
    case 'completed':
      return writtenBrief(status.brief);
    case 'unavailable':
      return h('p', { class: 'brief hint', 'data-brief': 'unavailable' }, `No brief: ${status.reason}`);
    case 'failed':
      return h('p', { class: 'brief problem', 'data-brief': 'failed' }, `The brief could not be written: ${status.error}`);
  }
}

/** What a review card asks its page to do. */
export interface ReviewActions {
  /** Record the decision with the reason typed. */
  decide(outcome: Outcome, reason: string, card: ReviewCard): void;
  /** Find out where the brief of a review listed without one stands. */
  checkBrief(card: ReviewCard): void;
}

/** Render one review. */
export function reviewCard(review: Review, reason: string, actions: ReviewActions): ReviewCard {
  const id = `reason-${review.applicationId}`;
  const box = h('textarea', { id, name: 'reason', rows: '2', maxlength: '2000', placeholder: 'Why: the reason is recorded with the decision' });
  box.value = reason;
  const error = h('p', { class: 'field-error', role: 'alert' });
  const approve = h('button', { type: 'button', class: 'approve', 'data-outcome': 'approve' }, 'Approve');
  const reject = h('button', { type: 'button', class: 'reject', 'data-outcome': 'reject' }, 'Reject');
  const created = new Date(review.createdAt);
  // Called on a click, once the card below exists.
  const check = (): void => actions.checkBrief(rendered);
  let brief = briefSection(review.brief, undefined, check);
  const element = h(
    'article',
    { class: 'review card', 'data-application': review.applicationId },
    h('h2', {}, `${rupees.format(Number(review.amount))} · ${review.applicationId}`),
    h('p', { class: 'hint' }, `Applicant ${review.applicantId} · received ${Number.isNaN(created.getTime()) ? review.createdAt : created.toLocaleString()}`),
    brief,
    h('label', { for: id }, 'Reason'),
    box,
    error,
    h('div', { class: 'actions' }, approve, reject),
  );
  const rendered: ReviewCard = {
    applicationId: review.applicationId,
    element,
    reason: () => box.value,
    showBriefStatus(next) {
      const section = briefSection(review.brief, next, check);
      brief.replaceWith(section);
      brief = section;
    },
    fail(message) {
      error.textContent = message;
      approve.disabled = false;
      reject.disabled = false;
    },
  };
  for (const button of [approve, reject]) {
    button.addEventListener('click', () => {
      const text = box.value.trim();
      if (text === '') return rendered.fail('Give a reason for the decision.');
      error.textContent = '';
      approve.disabled = true;
      reject.disabled = true;
      actions.decide(button === approve ? 'approve' : 'reject', text, rendered);
    });
  }
  return rendered;
}
