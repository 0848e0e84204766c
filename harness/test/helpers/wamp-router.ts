/**
 * A minimal WAMP v2 router (JSON over WebSocket) for the labgrid tests: Debian 12's labgrid 0.4.1
 * runs its coordinator as a WAMP component inside crossbar, which Debian does not package. This
 * router does what labgrid's coordinator, exporter and client use of crossbar and nothing more:
 * ticket authentication (any ticket; the authid is the client's), RPC with the caller disclosed to
 * the callee, publish/subscribe, and the session meta events wamp.session.on_join / on_leave.
 * Test support only (one realm, no authorization, no pattern-based registrations).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebSocketServer, type WebSocket } from 'ws';

const HELLO = 1, WELCOME = 2, ABORT = 3, CHALLENGE = 4, AUTHENTICATE = 5, GOODBYE = 6, ERROR = 8;
const PUBLISH = 16, PUBLISHED = 17, SUBSCRIBE = 32, SUBSCRIBED = 33, UNSUBSCRIBE = 34, UNSUBSCRIBED = 35, EVENT = 36;
const CALL = 48, RESULT = 50, REGISTER = 64, REGISTERED = 65, UNREGISTER = 66, UNREGISTERED = 67, INVOCATION = 68, YIELD = 70;

type Msg = unknown[];

interface Session {
  readonly id: number;
  readonly ws: WebSocket;
  authid: string;
  joined: boolean;
}

export interface WampRouter {
  readonly url: string;
  close(): Promise<void>;
}

export async function startWampRouter(): Promise<WampRouter> {
  let nextId = 1;
  const id = () => nextId++;
  const sessions = new Map<number, Session>();
  const registrations = new Map<string, { id: number; session: Session }>();
  const subscriptions = new Map<string, { id: number; sessions: Set<Session> }>();
  const subById = new Map<number, string>();
  const invocations = new Map<number, { caller: Session; request: number }>();

  const send = (s: Session, m: Msg) => {
    if (s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify(m));
  };
  const publish = (topic: string, args: unknown[], kwargs: Record<string, unknown> = {}, exclude?: Session) => {
    const sub = subscriptions.get(topic);
    if (!sub) return;
    const pub = id();
    for (const s of sub.sessions) if (s !== exclude) send(s, [EVENT, sub.id, pub, {}, args, kwargs]);
  };
  const leave = (s: Session) => {
    if (!sessions.delete(s.id)) return;
    for (const [proc, r] of registrations) if (r.session === s) registrations.delete(proc);
    for (const sub of subscriptions.values()) sub.sessions.delete(s);
    for (const [inv, i] of invocations) if (i.caller === s) invocations.delete(inv);
    if (s.joined) publish('wamp.session.on_leave', [s.id]);
  };

  const onMessage = (s: Session, m: Msg): void => {
    const type = m[0] as number;
    switch (type) {
      case HELLO: {
        const details = (m[2] ?? {}) as { authid?: string; authmethods?: string[] };
        s.authid = details.authid ?? `anonymous-${s.id}`;
        if (details.authmethods?.includes('ticket')) send(s, [CHALLENGE, 'ticket', {}]);
        else join(s);
        return;
      }
      case AUTHENTICATE:
        join(s);
        return;
      case GOODBYE:
        send(s, [GOODBYE, {}, 'wamp.close.goodbye_and_out']);
        s.ws.close();
        return;
      case REGISTER: {
        const [, request, , proc] = m as [number, number, unknown, string];
        if (registrations.has(proc)) {
          send(s, [ERROR, REGISTER, request, {}, 'wamp.error.procedure_already_exists']);
          return;
        }
        const reg = id();
        registrations.set(proc, { id: reg, session: s });
        send(s, [REGISTERED, request, reg]);
        return;
      }
      case UNREGISTER: {
        const [, request, reg] = m as [number, number, number];
        for (const [proc, r] of registrations) if (r.id === reg) registrations.delete(proc);
        send(s, [UNREGISTERED, request]);
        return;
      }
      case CALL: {
        const [, request, , proc, args = [], kwargs = {}] = m as [number, number, unknown, string, unknown[]?, Record<string, unknown>?];
        if (proc === 'wamp.session.kill') {
          const victim = sessions.get(args[0] as number);
          victim?.ws.close();
          send(s, [RESULT, request, {}, [], {}]);
          return;
        }
        const r = registrations.get(proc);
        if (!r) {
          send(s, [ERROR, CALL, request, {}, 'wamp.error.no_such_procedure', [`no procedure ${proc}`]]);
          return;
        }
        const inv = id();
        invocations.set(inv, { caller: s, request });
        send(r.session, [INVOCATION, inv, r.id, { caller: s.id, procedure: proc }, args, kwargs]);
        return;
      }
      case YIELD: {
        const [, inv, , args = [], kwargs = {}] = m as [number, number, unknown, unknown[]?, Record<string, unknown>?];
        const i = invocations.get(inv);
        invocations.delete(inv);
        if (i) send(i.caller, [RESULT, i.request, {}, args, kwargs]);
        return;
      }
      case ERROR: {
        const [, reqType, inv, details, error, args = [], kwargs = {}] = m as [number, number, number, unknown, string, unknown[]?, Record<string, unknown>?];
        if (reqType !== INVOCATION) return;
        const i = invocations.get(inv);
        invocations.delete(inv);
        if (i) send(i.caller, [ERROR, CALL, i.request, details ?? {}, error, args, kwargs]);
        return;
      }
      case SUBSCRIBE: {
        const [, request, , topic] = m as [number, number, unknown, string];
        let sub = subscriptions.get(topic);
        if (!sub) {
          sub = { id: id(), sessions: new Set() };
          subscriptions.set(topic, sub);
          subById.set(sub.id, topic);
        }
        sub.sessions.add(s);
        send(s, [SUBSCRIBED, request, sub.id]);
        return;
      }
      case UNSUBSCRIBE: {
        const [, request, subId] = m as [number, number, number];
        subscriptions.get(subById.get(subId) ?? '')?.sessions.delete(s);
        send(s, [UNSUBSCRIBED, request]);
        return;
      }
      case PUBLISH: {
        const [, request, options, topic, args = [], kwargs = {}] = m as [number, number, { acknowledge?: boolean; exclude_me?: boolean }, string, unknown[]?, Record<string, unknown>?];
        publish(topic, args, kwargs, options?.exclude_me === false ? undefined : s);
        if (options?.acknowledge) send(s, [PUBLISHED, request, id()]);
        return;
      }
      default:
        send(s, [ABORT, {}, 'wamp.error.protocol_violation']);
        s.ws.close();
    }
  };

  const join = (s: Session): void => {
    s.joined = true;
    send(s, [WELCOME, s.id, { authid: s.authid, authrole: 'public', authmethod: 'ticket', roles: { broker: { features: { publisher_exclusion: true } }, dealer: { features: { caller_identification: true } } } }]);
    publish('wamp.session.on_join', [{ session: s.id, authid: s.authid, authrole: 'public', authmethod: 'ticket' }], {}, s);
  };

  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http, handleProtocols: (protocols) => (protocols.has('wamp.2.json') ? 'wamp.2.json' : false) });
  wss.on('connection', (ws) => {
    const s: Session = { id: id() * 1000 + Math.floor(Math.random() * 1000), ws, authid: '', joined: false };
    sessions.set(s.id, s);
    ws.on('message', (data) => {
      try {
        onMessage(s, JSON.parse(String(data)) as Msg);
      } catch {
        ws.close();
      }
    });
    ws.on('close', () => leave(s));
    ws.on('error', () => leave(s));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
