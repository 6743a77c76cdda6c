import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { appendEvent } from '../events/outbox.ts';
import { NOT_CONFIGURED } from '../loans/loan-activities.ts';
import type { MetisDatabase } from '../storage/db/schema.ts';
import { withTenant } from '../storage/db/with-tenant.ts';
import type { TenantTransaction } from '../storage/db/with-tenant.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';

/** Where and how a tenant receives webhooks. */
export interface WebhookEndpoint {
  readonly url: string;
  /** Shared secret for the HMAC-SHA256 signature. */
  readonly secret: string;
}

/** A message to a person. */
export interface Message {
  readonly channel: 'email' | 'sms';
  readonly recipient: string;
  readonly template: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Stable id of this message; providers use it to drop repeats. */
  readonly messageId: string;
}

/** Sends e-mail and SMS. */
export interface MessagingProvider {
  /** Send one message. */
  send(tenantId: string, message: Message, trx: TenantTransaction): Promise<void>;
}

/** A provider for development: the message becomes a `NOTIFICATION_SENT` event in the outbox. */
export const outboxMessagingProvider: MessagingProvider = {
  async send(tenantId, message, trx) {
    await appendEvent(trx, tenantId, {
      type: 'NOTIFICATION_SENT',
      aggregateType: 'notification',
      aggregateId: message.messageId,
      payload: { channel: message.channel, template: message.template, recipient: message.recipient.replace(/.(?=.{4})/g, '*'), payload: { ...message.payload } },
      idempotencyKey: `notification:${message.messageId}`,
    });
  },
};

/** A notification to deliver once. */
export interface NotificationRequest {
  readonly tenantId: string;
  /** Delivering the same key twice sends once. */
  readonly idempotencyKey: string;
  readonly channel: 'webhook' | 'email' | 'sms';
  /** Event name for webhooks; an address or number for e-mail and SMS. */
  readonly recipient: string;
  readonly template: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Dependencies of the notification activities. */
export interface NotificationActivityDeps {
  readonly db: Kysely<MetisDatabase>;
  /** The tenant's webhook endpoint, if it has one. */
  readonly webhooks?: (tenantId: string) => WebhookEndpoint | undefined;
  /** E-mail and SMS; defaults to the outbox provider. */
  readonly messaging?: MessagingProvider;
  /** Per webhook request, in ms (default 10 s). */
  readonly webhookTimeoutMs?: number;
}

/** Notification activities, as workflows see them. */
export interface NotificationActivities {
  /** Deliver a notification once: signed webhook, e-mail or SMS; retried by Temporal on failure. */
  deliverNotification(request: NotificationRequest): Promise<{ notificationId: string; duplicate: boolean }>;
}

/** Create the notification activities. */
export function createNotificationActivities(deps: NotificationActivityDeps): NotificationActivities {
  const messaging = deps.messaging ?? outboxMessagingProvider;
  return {
    async deliverNotification(request) {
      const { tenantId } = request;
      // One statement records the first attempt or counts a retry.
      const row = await withTenant(deps.db, tenantId, (trx) =>
        trx
          .insertInto('notifications')
          .values({
            tenant_id: tenantId,
            idempotency_key: request.idempotencyKey,
            channel: request.channel,
            recipient: request.recipient,
            template: request.template,
            payload: JSON.stringify(request.payload),
            attempts: 1,
          })
          .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doUpdateSet((eb) => ({ attempts: eb('notifications.attempts', '+', 1) })))
          .returning(['notification_id', 'status'])
          .executeTakeFirstOrThrow(),
      );
      if (row.status === 'delivered') return { notificationId: row.notification_id, duplicate: true };

      const markDelivered = async (trx: TenantTransaction): Promise<void> => {
        await trx
          .updateTable('notifications')
          .set({ status: 'delivered', delivered_at: new Date(), last_error: null })
          .where('notification_id', '=', row.notification_id)
          .execute();
      };
      if (request.channel === 'webhook') {
        const endpoint = deps.webhooks?.(tenantId);
        if (!endpoint) throw ApplicationFailure.nonRetryable(`tenant ${tenantId} has no webhook endpoint configured`, NOT_CONFIGURED);
        const body = JSON.stringify({ id: row.notification_id, event: request.recipient, template: request.template, tenantId, data: request.payload });
        let failure: string | undefined;
        try {
          const response = await fetch(endpoint.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              [SIGNATURE_HEADER]: signWebhook(endpoint.secret, body, Math.floor(Date.now() / 1000)),
              [DELIVERY_HEADER]: row.notification_id,
            },
            body,
            signal: AbortSignal.timeout(deps.webhookTimeoutMs ?? 10_000),
          });
          if (!response.ok) failure = `webhook answered ${response.status}`;
        } catch (error) {
          failure = `webhook unreachable: ${error instanceof Error ? error.message : String(error)}`;
        }
        if (failure) {
          await withTenant(deps.db, tenantId, (trx) => trx.updateTable('notifications').set({ last_error: failure }).where('notification_id', '=', row.notification_id).execute());
          throw ApplicationFailure.retryable(failure, 'WebhookFailed');
        }
        await withTenant(deps.db, tenantId, markDelivered);
      } else {
        await withTenant(deps.db, tenantId, async (trx) => {
          await messaging.send(tenantId, { channel: request.channel as 'email' | 'sms', recipient: request.recipient, template: request.template, payload: request.payload, messageId: row.notification_id }, trx);
          await markDelivered(trx);
        });
      }
      return { notificationId: row.notification_id, duplicate: false };
    },
  };
}
