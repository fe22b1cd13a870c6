// Login p50/p99 and GET /users/me req/s and p99 through the gateway at 50 connections.
// Auth and the gateway run as separate processes from the build, as `npm start` runs them.
import autocannon from 'autocannon';
import { figures, startStack } from './lib/stack.mjs';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const USERS = 50;

export async function run() {
  const stack = await startStack();
  try {
    const users = [];
    for (let i = 0; i < USERS; i++) {
      const account = { email: `bench${i}@example.com`, username: `bench${i}`, password: 'bench password 1' };
      const res = await fetch(`${stack.baseUrl}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(account) });
      if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
      users.push(account);
    }
    const login = await fetch(`${stack.baseUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: users[0].username, password: users[0].password }) });
    const { access_token: token } = await login.json();

    let next = 0;
    const loginResult = await autocannon({
      url: `${stack.baseUrl}/auth/login`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // Spread logins over many accounts, as real traffic would be.
          setupRequest: (req) => {
            const u = users[next++ % users.length];
            return { ...req, body: JSON.stringify({ username: u.username, password: u.password }) };
          },
        },
      ],
    });
    const meResult = await autocannon({
      url: `${stack.baseUrl}/users/me`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${token}` },
    });
    const rows = [figures('POST /auth/login', loginResult), figures('GET /users/me', meResult)];
    console.table(rows);
    console.log('(login is bound by Argon2id at OWASP parameters, ~13 ms of CPU per attempt, by design)');
    return rows;
  } finally {
    await stack.close();
  }
}
