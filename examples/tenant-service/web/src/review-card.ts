// One loan waiting for review: the application, the underwriter's brief (or where its writing
// stands), and approve and reject buttons with the reason for the decision.
import { h } from './dom.ts';

/** A brief's flag: the risk and the facts behind it. */
export interface BriefFlag {
  readonly flag: string;
  readonly fields: readonly string[];
}

/** Where a loan's brief stands (`LoanReviewBrief`). */
export type ReviewBrief =
  | { readonly status: 'pending'; readonly progress?: { readonly tokens: number; readonly phase: string } }
  | {
      readonly status: 'completed';
      readonly brief: {
        readonly brief: { readonly summary: string; readonly flags: readonly BriefFlag[]; readonly questions: readonly string[] };
        readonly facts: Readonly<Record<string, string | number | boolean | null>>;
        readonly model: string;
      };
    }
  | { readonly status: 'unavailable'; readonly reason: string }
  | { readonly status: 'failed'; readonly error: string };

/** A loan waiting for a manual decision (`GET /v1/reviews`). */
export interface Review {
  readonly applicationId: string;
  readonly applicantId: string;
  readonly amount: number | string;
  readonly status: string;
  readonly createdAt: string;
  readonly brief: ReviewBrief | null;
}

/** An underwriter's verdict. */
export type Outcome = 'approve' | 'reject';

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });

function briefSection(brief: ReviewBrief | null): HTMLElement {
  if (brief === null) return h('p', { class: 'brief hint', 'data-brief': 'none' }, 'No brief for this loan.');
  switch (brief.status) {
    case 'pending':
      return h('p', { class: 'brief hint', 'data-brief': 'pending' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' The brief is being written', brief.progress ? ` (${brief.progress.tokens} tokens so far)` : '', '…');
    case 'unavailable':
      return h('p', { class: 'brief hint', 'data-brief': 'unavailable' }, `No brief: ${brief.reason}`);
    case 'failed':
      return h('p', { class: 'brief problem', 'data-brief': 'failed' }, `The brief could not be written: ${brief.error}`);
    case 'completed': {
      const { brief: written, facts, model } = brief.brief;
      const fact = (path: string): string => `${path} = ${JSON.stringify(facts[path] ?? null)}`;
      return h(
        'div',
        { class: 'brief', 'data-brief': 'completed' },
        h('p', { class: 'summary' }, written.summary),
        written.flags.length > 0 ? h('ul', { class: 'flags' }, ...written.flags.map((f) => h('li', { 'data-flag': f.flag }, h('strong', {}, f.flag.replaceAll('_', ' ')), ` — ${f.fields.map(fact).join('; ')}`))) : h('p', { class: 'hint' }, 'No flags.'),
        written.questions.length > 0 ? h('ol', { class: 'questions' }, ...written.questions.map((q) => h('li', {}, q))) : null,
        h('p', { class: 'hint' }, `Written by ${model}.`),
      );
    }
  }
}

/** Render one review; `decide` is called with the outcome and the reason typed. */
export function reviewCard(review: Review, reason: string, decide: (outcome: Outcome, reason: string, card: ReviewCard) => void): ReviewCard {
  const id = `reason-${review.applicationId}`;
  const box = h('textarea', { id, name: 'reason', rows: '2', maxlength: '2000', placeholder: 'Why: the underwriter’s reason is recorded with the decision' });
  box.value = reason;
  const error = h('p', { class: 'field-error', role: 'alert' });
  const approve = h('button', { type: 'button', class: 'approve', 'data-outcome': 'approve' }, 'Approve');
  const reject = h('button', { type: 'button', class: 'reject', 'data-outcome': 'reject' }, 'Reject');
  const created = new Date(review.createdAt);
  const element = h(
    'article',
    { class: 'review card', 'data-application': review.applicationId },
    h('h2', {}, `${rupees.format(Number(review.amount))} · ${review.applicationId}`),
    h('p', { class: 'hint' }, `Applicant ${review.applicantId} · received ${Number.isNaN(created.getTime()) ? review.createdAt : created.toLocaleString()}`),
    briefSection(review.brief),
    h('label', { for: id }, 'Reason'),
    box,
    error,
    h('div', { class: 'actions' }, approve, reject),
  );
  const card: ReviewCard = {
    element,
    reason: () => box.value,
    fail(message) {
      error.textContent = message;
      approve.disabled = false;
      reject.disabled = false;
    },
  };
  for (const button of [approve, reject]) {
    button.addEventListener('click', () => {
      const text = box.value.trim();
      if (text === '') return card.fail('Give a reason for the decision.');
      error.textContent = '';
      approve.disabled = true;
      reject.disabled = true;
      decide(button === approve ? 'approve' : 'reject', text, card);
    });
  }
  return card;
}

/** A rendered review. */
export interface ReviewCard {
  readonly element: HTMLElement;
  /** The reason typed so far. */
  reason(): string;
  /** Show why the decision was not recorded, and enable the buttons again. */
  fail(message: string): void;
}
