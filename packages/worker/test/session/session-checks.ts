/**
 * @module Core's `openStorageSession` end to end, the same code on Node, Deno, Bun, workerd and Chromium: against
 * the emulator directly (AWS credentials) and through the proxy (a device token). Each check names what it proves.
 */
import {
  isKvsError,
  openStorageSession,
  type StorageSession,
  type StorageSessionOptions,
} from "@kvs-webrtc-storage/core";
import { DEMO_CHANNELS } from "@kvs-webrtc-storage/testing/fixtures";

type Participant = Pick<StorageSessionOptions, "channelArn" | "role" | "clientId">;
type Access = Pick<
  StorageSessionOptions,
  "credentials" | "controlPlaneEndpoint" | "proxy" | "fetch" | "WebSocket"
>;

/** Where the checks run: the emulator they drive, and how a participant reaches KVS. */
export interface SessionTarget {
  readonly name: string;
  readonly emulatorOrigin: string;
  access(participant: Participant): Promise<Access>;
}

export interface CheckResult {
  readonly name: string;
  readonly error?: string;
}

const OFFER_TIMEOUT_MS = 400;
const A = DEMO_CHANNELS.demoCamera.arn;
const B = DEMO_CHANNELS.demoCamera2.arn;

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The emulator's control endpoints. */
function emulatorControl(origin: string) {
  const call = (path: string, method: string, body?: unknown) =>
    fetch(`${origin}/_emulator/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    }).then((response) => {
      if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status}`);
      return response;
    });
  return {
    reset: () => call("reset", "POST"),
    fault: (spec: object) => call("faults", "POST", spec),
    // join times as the emulator received them, for one participant
    joins: async (participant: Participant) => (await joinCalls(participant)).map((record) => record.time),
    // a participant's joins as the emulator answered them (errorCode null: joined)
    joinCalls: (participant: Participant) => joinCalls(participant),
  };

  async function joinCalls(participant: Participant) {
    const calls = (await (await call("calls", "GET")).json()) as {
      time: number;
      path: string;
      body: string;
      errorCode: string | null;
    }[];
    return calls
      .filter((record) => record.path.startsWith("/joinStorageSession"))
      .filter((record) => {
        const body = JSON.parse(record.body) as { channelArn?: string; clientId?: string };
        return body.channelArn === participant.channelArn && body.clientId === participant.clientId;
      });
  }
}

/** Runs every check against `target`, one after another; never throws. */
export async function runSessionChecks(
  target: SessionTarget,
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const emulator = emulatorControl(target.emulatorOrigin);
  // client ids unique per target, so targets sharing an emulator never meet in a viewer session
  const tag = target.name.replace(/[^a-zA-Z0-9]+/g, "-");
  const open = async (participant: Participant, extra: Partial<StorageSessionOptions> = {}) => {
    const session = openStorageSession({
      ...participant,
      ...(await target.access(participant)),
      offerTimeoutMs: OFFER_TIMEOUT_MS,
      ...extra,
    });
    const joins: number[] = [];
    const reconnects: string[] = [];
    session.addEventListener("join", (event) => {
      joins.push(event.detail.attempt);
    });
    session.addEventListener("reconnect", (event) => {
      reconnects.push(event.detail.reason);
    });
    return { session, joins, reconnects };
  };
  const sessions: StorageSession[] = [];
  const track = <T extends { session: StorageSession }>(opened: T) => {
    sessions.push(opened.session);
    return opened;
  };

  const checks: Record<string, () => Promise<void>> = {
    "the offer arrives after the first join": async () => {
      const master = { channelArn: A, role: "MASTER" } as const;
      const { session, joins } = track(await open(master));
      const offer = await session.nextOffer();
      check(offer.type === "offer" && offer.sdp.startsWith("v=0"), "not an SDP offer");
      check(session.iceServers.length > 0, "no ICE servers");
      session.sendAnswer({ sdp: "v=0\r\n" });
      check(
        joins.length === 1 && (await emulator.joins(master)).length === 1,
        `joined ${joins.length} times`,
      );
      await session.close();
    },
    "two dropped offers: joined again until the offer came, never 3 joins within a second": async () => {
      const viewer = { channelArn: B, role: "VIEWER", clientId: `drop-${tag}` } as const;
      await emulator.fault({ kind: "drop-offer", times: 2 });
      const { session } = track(await open(viewer));
      await session.nextOffer();
      await session.close();
      const times = await emulator.joins(viewer);
      check(times.length === 3, `expected 3 joins, the emulator saw ${times.length}`);
      const gaps = times.slice(1).map((time, i) => time - (times[i] ?? 0));
      check(
        gaps.every((gap) => gap >= OFFER_TIMEOUT_MS),
        `joins ${gaps.join(", ")} ms apart`,
      );
      check((times[2] ?? 0) - (times[0] ?? 0) >= 1000, "three joins within one second");
    },
    "GO_AWAY: signaling reconnects, and the new connection carries the next offer": async () => {
      const viewer = { channelArn: B, role: "VIEWER", clientId: `go-away-${tag}` } as const;
      const { session, reconnects } = track(await open(viewer));
      await session.nextOffer();
      await emulator.fault({ kind: "go-away" });
      for (let waited = 0; reconnects.length === 0 && waited < 5000; waited += 50) await sleep(50);
      check(reconnects[0] === "go-away", `reconnects: ${reconnects.join(", ") || "none"}`);
      session.rejoin();
      await session.nextOffer();
      await session.close();
    },
    "a full viewer cap is reported as ViewerLimitExceeded, after one join": async () => {
      for (const n of [1, 2, 3]) {
        const { session } = track(await open({ channelArn: A, role: "VIEWER", clientId: `cap-${n}-${tag}` }));
        await session.nextOffer();
      }
      // a second after the others' joins: AWS's 2 a second per channel cannot refuse the fourth's first
      await sleep(1000);
      const fourth = { channelArn: A, role: "VIEWER", clientId: `cap-4-${tag}` } as const;
      const { session } = track(await open(fourth));
      const refusal = await session.nextOffer().then(
        () => undefined,
        (error: unknown) => error,
      );
      check(isKvsError(refusal, "ViewerLimitExceeded"), `got ${String(refusal)}`);
      // and it stays refused: no join follows (the loop would join again within a second)
      await sleep(1000);
      const joins = await emulator.joinCalls(fourth);
      check(
        joins.length === 1 && joins[0]?.errorCode !== null,
        `the refused viewer's joins: ${joins.map((join) => join.errorCode ?? "joined").join(", ")}`,
      );
    },
    "abort stops the session: AbortError, and no join after it": async () => {
      // B's master: A's may not yet be gone where a client's close reaches the emulator late (workerd)
      const master = { channelArn: B, role: "MASTER" } as const;
      const before = (await emulator.joins(master)).length;
      await emulator.fault({ kind: "drop-offer", times: 1 });
      const controller = new AbortController();
      const { session } = track(await open(master, { signal: controller.signal }));
      const outcome = session.nextOffer().then(
        () => undefined,
        (error: unknown) => error,
      );
      // once the emulator has the join (and has dropped its offer), the caller gives up
      for (let waited = 0; (await emulator.joins(master)).length === before && waited < 5000; waited += 50) {
        await sleep(50);
      }
      controller.abort();
      const error = await outcome;
      check(isKvsError(error, "AbortError"), `got ${String(error)}`);
      await sleep(3 * OFFER_TIMEOUT_MS);
      const after = (await emulator.joins(master)).length - before;
      check(controller.signal.aborted, "never aborted");
      check(after === 1, `${after} joins in all, 1 expected`);
    },
  };

  const results: CheckResult[] = [];
  await emulator.reset();
  for (const [name, run] of Object.entries(checks)) {
    try {
      await run();
      results.push({ name: `${target.name}: ${name}` });
    } catch (error) {
      results.push({
        name: `${target.name}: ${name}`,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    onResult(results.at(-1) as CheckResult);
    await Promise.all(sessions.splice(0).map((session) => session.close()));
  }
  return results;
}
