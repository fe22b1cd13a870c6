import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthClient } from '../clients.js';
import { doc, jsonResponse } from '../openapi-registry.js';
import { requireAuth } from '../plugins/authentication.js';
import { problemResponses } from '../plugins/problem.js';
import type { RevocationList } from '../security/revocation-list.js';
import { currencyField, emailField, passwordField, timezoneField, toUserResponse, userSchema, usernameField } from './schemas.js';

export interface UsersRoutesOptions {
  auth: AuthClient;
  revocations: RevocationList;
}

const updateUserBody = z
  .object({
    email: emailField.optional(),
    username: usernameField.optional(),
    base_currency: currencyField.optional(),
    timezone: timezoneField.optional(),
    notification_preferences: doc(
      z
        .object({
          email: z.boolean().optional(),
          budget_alerts: z.boolean().optional(),
          recurring_reminders: z.boolean().optional(),
          goal_milestones: z.boolean().optional(),
        })
        .optional(),
      'Only the flags given change',
    ),
    password: doc(passwordField.optional(), 'The new password; needs `current_password`'),
    current_password: z.string().min(1).max(1024).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.password !== undefined && body.current_password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['current_password'], message: 'is required to change the password' });
    }
  });

export const usersRoutes: FastifyPluginAsyncZod<UsersRoutesOptions> = async (app, { auth, revocations }) => {
  app.get(
    '/users/me',
    {
      schema: {
        tags: ['users'],
        operationId: 'getCurrentUser',
        summary: 'The account of the caller',
        response: { 200: jsonResponse(userSchema, 'The account'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      const { user } = await auth.getUser({ userId }, { requestId: request.id });
      return reply.send(toUserResponse(user));
    },
  );

  app.put(
    '/users/me',
    {
      schema: {
        tags: ['users'],
        operationId: 'updateCurrentUser',
        summary: 'Change account fields',
        description: 'Fields left out keep their value. Changing `password` needs `current_password`.',
        body: updateUserBody,
        response: { 200: jsonResponse(userSchema, 'The account as changed'), ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId, sessionId } = requireAuth(request);
      const body = request.body;
      const prefs = body.notification_preferences;
      const { user } = await auth.updateUser(
        {
          userId,
          email: body.email,
          username: body.username,
          baseCurrency: body.base_currency,
          timezone: body.timezone,
          notificationPreferences: prefs && {
            email: prefs.email,
            budgetAlerts: prefs.budget_alerts,
            recurringReminders: prefs.recurring_reminders,
            goalMilestones: prefs.goal_milestones,
          },
          password: body.password,
          currentPassword: body.current_password,
          sessionId,
        },
        { requestId: request.id },
      );
      return reply.send(toUserResponse(user));
    },
  );

  app.delete(
    '/users/me',
    {
      schema: {
        tags: ['users'],
        operationId: 'deleteCurrentUser',
        summary: 'Delete the account and all of its data',
        description: 'Its tokens stop working at once.',
        response: { 204: doc(z.undefined(), 'Deleted'), ...problemResponses(401, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const { userId } = requireAuth(request);
      await auth.deleteUser({ userId }, { requestId: request.id });
      revocations.revoke(userId);
      return reply.code(204).send();
    },
  );
};
