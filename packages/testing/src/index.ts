export { createTestDatabase, DEFAULT_TEST_DATABASE_URL, type TestDatabase } from './database.js';
export { DEFAULT_TEST_NATS_URL, deleteNamespaceStreams, ensureTestNats, inspector, randomNamespace, streamMessages, testNatsUrl } from './nats.js';
export { splice, TcpProxy } from './tcp-proxy.js';
export { waitFor, type Truthy, type WaitForOptions } from './wait-for.js';
export { date, iso, rejected, type Rejection } from './grpc.js';
export { GrpcStub, stubError, type StubCall, type StubHandler } from './grpc-stub.js';
export { unexpectedErasureOutcome, userRowCounter, type UserRowCounter } from './erasure.js';
export { addStubUser, answerUserProfiles, stubAuthUser, updateStubUser, type AuthStub, type StubProfile } from './auth-stub.js';
export { parseMetrics, scrapeMetrics, type Scrape } from './metrics.js';
