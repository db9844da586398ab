import type { ApiSchemas } from '../../schemas/api-schemas';
import type { RouteModule } from '../route';

export const notificationRoutes: RouteModule = {
  async 'notifications/try'(body: ApiSchemas['Notification'], { services }): Promise<ApiSchemas['NotificationRead']> {
    return services.notifications.tryNotification(body);
  },
  async 'notifications/try_webhook'(body: ApiSchemas['NotificationWebhookConfigValidationRequestBody'], { services }): Promise<ApiSchemas['NotificationRead']> {
    return services.notifications.tryWebhook(body.slackConfiguration ?? { webhook: '' }, body.notificationTrigger);
  },
};
