import { SMTPServer } from 'smtp-server';
import { TcpProxy } from '@finance/testing';

interface SinkBehaviour {
  acceptDelayMs: number;
}

/** One e-mail as the SMTP server received it, with the parts a test reads decoded. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  text: string;
  html: string;
}

/**
 * A real SMTP server in-process (smtp-server) that keeps what arrives, behind a TcpProxy so a test
 * can take it away (`down()`: connections refused) and give it back (`up()`).
 */
export class SmtpSink {
  private constructor(
    private readonly server: SMTPServer,
    readonly proxy: TcpProxy,
    /** Every e-mail received, in arrival order. */
    readonly received: ReceivedMail[],
    private readonly behaviour: SinkBehaviour,
  ) {}

  /** Holds every message this long after its data arrived before accepting it (a slow server). */
  set acceptDelayMs(ms: number) {
    this.behaviour.acceptDelayMs = ms;
  }

  static async start(): Promise<SmtpSink> {
    const received: ReceivedMail[] = [];
    const behaviour: SinkBehaviour = { acceptDelayMs: 0 };
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // A recipient starting with "bounce" does not exist: refused for good (550).
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('bounce')) return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const accept = () => {
            received.push(parseMail(raw, from, session.envelope.rcptTo.map((r) => r.address)));
            callback();
          };
          if (behaviour.acceptDelayMs > 0) setTimeout(accept, behaviour.acceptDelayMs);
          else accept();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.server.address() as { port: number }).port;
    const proxy = await TcpProxy.start('127.0.0.1', port);
    return new SmtpSink(server, proxy, received, behaviour);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.proxy.port}`;
  }

  down(): void {
    this.proxy.cut();
  }

  up(): void {
    this.proxy.restore();
  }

  /** The e-mails sent to `address`. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  async close(): Promise<void> {
    await this.proxy.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// A small MIME reader for what nodemailer writes (headers, one level of multipart/alternative,
// quoted-printable or base64 parts): enough to read back subject, text and HTML exactly.

function splitHeaders(block: string): { headers: Record<string, string>; body: string } {
  const at = block.indexOf('\r\n\r\n');
  const head = at < 0 ? block : block.slice(0, at);
  const body = at < 0 ? '' : block.slice(at + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'quoted-printable': {
      const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
      return Buffer.from(decodeURIComponentBytes(bytes), 'binary').toString('utf8');
    }
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

/** "%E2%80%93abc" → the bytes as a binary string (URI escapes only where = escapes were). */
function decodeURIComponentBytes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '%' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out += Buffer.from(text[i]!, 'utf8').toString('binary');
    }
  }
  return out;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=) in a header. */
function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=\s*(?==\?)|=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (...m: string[]) => {
    const kind = (m[2] ?? m[5])!.toUpperCase();
    const data = (m[3] ?? m[6])!;
    if (kind === 'B') return Buffer.from(data, 'base64').toString('utf8');
    return decodeBody(data.replace(/_/g, ' '), 'quoted-printable');
  });
}

function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const { headers, body } = splitHeaders(raw);
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const part of parts) {
    const { headers: h, body: b } = splitHeaders(part.replace(/^\r\n/, ''));
    const decoded = decodeBody(b.replace(/\r\n$/, ''), h['content-transfer-encoding']).replace(/\r\n/g, '\n');
    if ((h['content-type'] ?? '').startsWith('text/plain')) text = decoded;
    else if ((h['content-type'] ?? '').startsWith('text/html')) html = decoded;
  }
  return { from, to, raw, headers, subject: decodeWords(headers.subject ?? ''), messageId: headers['message-id'] ?? '', text, html };
}
