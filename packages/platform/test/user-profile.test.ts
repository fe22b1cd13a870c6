import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { authV1 } from '@finance/proto';
import { connectService, createLogger, DomainError, startGrpcServer, type AsyncServiceImplementation, type RunningGrpcServer } from '../src/index.js';
import { userProfileOf, type AuthServiceClient } from '../src/user-profile.js';

// auth as far as GetUser goes: one known user, one deleted (UNAUTHENTICATED), one never seen (NOT_FOUND).
const implementation = {
  getUser: async ({ userId }: authV1.GetUserRequest): Promise<authV1.GetUserResponse> => {
    if (userId === 'known') return { user: { id: userId, email: 'k@example.com', username: 'k', isActive: true, baseCurrency: 'JPY', timezone: 'Asia/Tokyo', notificationPreferences: undefined, createdAt: undefined, updatedAt: undefined } };
    if (userId === 'deleted') throw new DomainError('unauthenticated', 'AUTH_USER_NOT_FOUND', 'gone');
    if (userId === 'empty') return { user: undefined };
    if (userId === 'broken') throw new Error('secret');
    throw new DomainError('not_found', 'AUTH_USER_NOT_FOUND', 'never seen');
  },
} as unknown as AsyncServiceImplementation<typeof authV1.AuthServiceService>;

let server: RunningGrpcServer;
let auth: AuthServiceClient;
const gone = () => new DomainError('unauthenticated', 'TEST_USER_NOT_FOUND', 'The account of this request no longer exists.');

beforeAll(async () => {
  server = await startGrpcServer({ address: '127.0.0.1:0', logger: createLogger('auth-test', 'silent'), services: [{ definition: authV1.AuthServiceService, implementation }] });
  auth = connectService({ name: 'auth', definition: authV1.AuthServiceService }, server.address);
});
afterAll(async () => {
  auth.close();
  await server.stop();
});

test("a known user's base currency and time zone", async () => {
  expect(await userProfileOf(auth, 'known', gone)).toEqual({ baseCurrency: 'JPY', timezone: 'Asia/Tokyo' });
});

test.each(['deleted', 'never-seen', 'empty'])('a user auth does not know (%s) is the caller\'s own "account gone" error', async (userId) => {
  await expect(userProfileOf(auth, userId, gone)).rejects.toMatchObject({ code: 'TEST_USER_NOT_FOUND' });
});

test('auth failing is the service client\'s AUTH_UNAVAILABLE, not "account gone"', async () => {
  await expect(userProfileOf(auth, 'broken', gone)).rejects.toMatchObject({ kind: 'unavailable', code: 'AUTH_UNAVAILABLE' });
});
