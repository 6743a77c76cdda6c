// The underwriter's page: the loans waiting for a manual decision with their briefs, and the
// decision on each (approve or reject, with a reason); the list refreshes after every decision.
import { ApiProblem, call } from './api.ts';
import { byId, h, show } from './dom.ts';
import { reviewCard } from './review-card.ts';
import type { BriefStatus, Outcome, Review, ReviewActions, ReviewCard } from './review-card.ts';
import { showFailure, signIn } from './sign-in.ts';

const message = (failure: unknown): string => (failure instanceof ApiProblem ? failure.problem.detail : failure instanceof Error ? failure.message : String(failure));

class ReviewsPage {
  private readonly main: HTMLElement;
  private readonly noticeSlot = h('div', { id: 'notice-slot' });
  private readonly cards = new Map<string, ReviewCard>();
  private readonly actions: ReviewActions = {
    decide: (outcome, reason, card) => void this.decide(outcome, reason, card),
    checkBrief: (card) => void this.checkBrief(card),
  };

  constructor(main: HTMLElement) {
    this.main = main;
  }

  notify(kind: 'ok' | 'problem', text: string): void {
    show(this.noticeSlot, h('p', { id: 'notice', class: `${kind} card`, role: kind === 'problem' ? 'alert' : 'status' }, text));
  }

  async refresh(): Promise<void> {
    const { reviews } = await call<{ reviews: readonly Review[] }>('GET', '/v1/reviews');
    // Reasons being typed survive a refresh.
    const typed = new Map([...this.cards].map(([id, card]) => [id, card.reason()] as const));
    this.cards.clear();
    const refresh = h('button', { type: 'button', id: 'refresh', class: 'link' }, 'Refresh');
    refresh.addEventListener('click', () => void this.refresh().catch((failure: unknown) => this.notify('problem', message(failure))));
    const list = reviews.map((review) => {
      const card = reviewCard(review, typed.get(review.applicationId) ?? '', this.actions);
      this.cards.set(review.applicationId, card);
      return card.element;
    });
    show(
      this.main,
      this.noticeSlot,
      h('p', { id: 'count' }, reviews.length === 0 ? 'No loan is waiting for review.' : `${reviews.length} loan${reviews.length === 1 ? '' : 's'} waiting for review. `, refresh),
      h('div', { id: 'reviews' }, ...list),
    );
  }

  /** Ask one review's route where its brief stands (pending, unavailable, failed): the list only holds written ones. */
  private async checkBrief(card: ReviewCard): Promise<void> {
    try {
      const { brief } = await call<{ brief: BriefStatus | null }>('GET', `/v1/reviews/${encodeURIComponent(card.applicationId)}`);
      card.showBriefStatus(brief);
    } catch (failure) {
      this.notify('problem', `Could not read the brief of ${card.applicationId}: ${message(failure)}`);
    }
  }

  private async decide(outcome: Outcome, reason: string, card: ReviewCard): Promise<void> {
    const { applicationId } = card;
    try {
      await call('POST', `/v1/reviews/${encodeURIComponent(applicationId)}/decision`, { json: { outcome, reason } });
    } catch (failure) {
      card.fail(`Not recorded: ${message(failure)}`);
      return;
    }
    this.cards.delete(applicationId);
    const done = `${outcome === 'approve' ? 'Approved' : 'Rejected'} ${applicationId}.`;
    try {
      await this.refresh();
      this.notify('ok', done);
    } catch (failure) {
      this.notify('problem', `${done} The list could not be read again: ${message(failure)}`);
    }
  }
}

async function start(): Promise<void> {
  const main = byId('main');
  try {
    const me = await signIn(main, byId('who'));
    if (!me.roles.includes('underwriter')) return showFailure(main, new Error('This page is for underwriters: the token has no underwriter role.'));
    await new ReviewsPage(main).refresh();
  } catch (failure) {
    showFailure(main, failure);
  }
}

void start();
