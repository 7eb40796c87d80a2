/** A signaling channel the emulator knows about. `creationTime` is epoch milliseconds (the ARN suffix). */
export interface ChannelSeed {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly account: string;
  readonly mediaStorage: boolean;
  readonly creationTime: number;
  readonly streamArn?: string;
  readonly version?: string;
}

/** An access key the emulator accepts; `expiresAt` (epoch ms) marks a session credential that has lapsed. */
export interface CredentialSeed {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiresAt?: number;
}

/**
 * The seed data an emulator serves: channels and credentials.
 *
 * @example
 * const data: DataSet = { channels: [DEMO_CHANNELS.demoCamera], credentials: [DEMO_CREDENTIALS.operator] };
 */
export interface DataSet {
  readonly channels: readonly ChannelSeed[];
  readonly credentials: readonly CredentialSeed[];
}

/** Read-only lookups over a data set. */
export interface Registry {
  channelByArn(arn: string): ChannelSeed | undefined;
  channelByName(name: string): ChannelSeed | undefined;
  credential(accessKeyId: string): CredentialSeed | undefined;
  /** Every region some channel lives in: a credential scoped elsewhere is "not a valid region". */
  readonly regions: ReadonlySet<string>;
}

/**
 * Indexes a data set for the routes.
 *
 * @example
 * const registry = createRegistry(demoDataSet());
 * registry.channelByName("demo-camera")?.mediaStorage; // true
 */
export function createRegistry(data: DataSet): Registry {
  const byArn = new Map(data.channels.map((channel) => [channel.arn, channel]));
  const byName = new Map(data.channels.map((channel) => [channel.name, channel]));
  const credentials = new Map(data.credentials.map((credential) => [credential.accessKeyId, credential]));
  return {
    channelByArn: (arn) => byArn.get(arn),
    channelByName: (name) => byName.get(name),
    credential: (accessKeyId) => credentials.get(accessKeyId),
    regions: new Set(data.channels.map((channel) => channel.region)),
  };
}

/** The StreamARN a channel's media storage points at, derived when the seed gives none. */
export function streamArnOf(channel: ChannelSeed): string {
  return (
    channel.streamArn ??
    `arn:aws:kinesisvideo:${channel.region}:${channel.account}:stream/${channel.name}/${channel.creationTime}`
  );
}
