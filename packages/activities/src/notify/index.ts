// @metis/activities/notify: signed webhooks, e-mail and SMS.
export { createNotificationActivities, outboxMessagingProvider } from './notification-activities.ts';
export type { Message, MessagingProvider, NotificationActivities, NotificationActivityDeps, NotificationRequest, WebhookEndpoint } from './notification-activities.ts';
export { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from './webhook-signature.ts';
