/**
 * @module The emulator's TLS: a local certificate authority and a server certificate for 127.0.0.1, ::1 and
 * localhost, made at first start with @peculiar/x509 over Web Crypto and kept in a directory, so a client trusts the
 * CA once.
 */
import { createHash, randomUUID, webcrypto } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type * as X509 from "@peculiar/x509";

/** A server certificate, its key, the CA file clients trust, and the certificate's public-key pin for Chromium. */
export interface LocalTls {
  readonly cert: string;
  readonly key: string;
  readonly caPath: string;
  /** base64 SHA-256 of the certificate's public key: Chromium's `--ignore-certificate-errors-spki-list`. */
  readonly spkiSha256: string;
}

/**
 * Where the CA and certificate are kept unless told otherwise (asked only then: Deno grants the home directory
 * only with `--allow-sys`).
 *
 * @example
 * defaultTlsDir(); // "/home/me/.cache/kvs-emulator/tls"
 */
export function defaultTlsDir(): string {
  return join(homedir(), ".cache", "kvs-emulator", "tls");
}

const FILES = { ca: "ca.pem", cert: "server.pem", key: "server-key.pem" } as const;
const SIGNING = { name: "ECDSA", hash: "SHA-256" };
const DAY_MS = 86_400_000;

/**
 * The emulator's TLS material in `dir`, made there at first use and reused while it is whole, signed by its CA
 * and valid for more than a day; otherwise made again (a new CA, to be trusted again).
 *
 * @example
 * const tls = await localTls();
 * console.log(`trust ${tls.caPath}: NODE_EXTRA_CA_CERTS=${tls.caPath}`);
 */
export async function localTls(dir: string = defaultTlsDir()): Promise<LocalTls> {
  // loaded only when TLS is asked for: the library needs a global Reflect metadata polyfill first
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const path = (name: keyof typeof FILES) => join(dir, FILES[name]);
  if (!(await usable(x509, path))) {
    rmSync(dir, { recursive: true, force: true });
    // made beside the directory and renamed into place whole: a concurrent first start keeps whichever set won
    const staging = `${dir}.${randomUUID()}`;
    await issue(x509, staging, (name) => join(staging, FILES[name]));
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const cert = readFileSync(path("cert"), "utf8");
  const publicKey = new x509.X509Certificate(cert).publicKey.rawData;
  const spkiSha256 = createHash("sha256").update(new Uint8Array(publicKey)).digest("base64");
  return { cert, key: readFileSync(path("key"), "utf8"), caPath: path("ca"), spkiSha256 };
}

async function usable(x509: typeof X509, path: (name: keyof typeof FILES) => string): Promise<boolean> {
  if (!(existsSync(path("ca")) && existsSync(path("cert")) && existsSync(path("key")))) return false;
  try {
    const ca = new x509.X509Certificate(readFileSync(path("ca"), "utf8"));
    const server = new x509.X509Certificate(readFileSync(path("cert"), "utf8"));
    const fresh =
      server.notAfter.getTime() > Date.now() + DAY_MS && ca.notAfter.getTime() > Date.now() + DAY_MS;
    return (
      fresh &&
      (await server.verify({ publicKey: ca.publicKey, signatureOnly: true }, webcrypto as unknown as Crypto))
    );
  } catch {
    return false;
  }
}

async function issue(
  x509: typeof X509,
  dir: string,
  path: (name: keyof typeof FILES) => string,
): Promise<void> {
  const crypto = webcrypto as unknown as Crypto;
  const notBefore = new Date(Date.now() - DAY_MS);
  const caKeys = await keyPair(crypto);
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: "CN=kvs-webrtc-storage local emulator CA",
      keys: caKeys,
      notBefore,
      notAfter: new Date(notBefore.getTime() + 3650 * DAY_MS),
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const serverKeys = await keyPair(crypto);
  const server = await x509.X509CertificateGenerator.create(
    {
      subject: "CN=localhost",
      issuer: ca.subject,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      notBefore,
      // browsers refuse server certificates valid for more than 398 days
      notAfter: new Date(notBefore.getTime() + 397 * DAY_MS),
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: "dns", value: "localhost" },
          { type: "ip", value: "127.0.0.1" },
          { type: "ip", value: "::1" },
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = (await crypto.subtle.exportKey("pkcs8", serverKeys.privateKey)) as ArrayBuffer;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path("ca"), ca.toString("pem"));
  writeFileSync(path("cert"), server.toString("pem"));
  writeFileSync(path("key"), x509.PemConverter.encode(pkcs8, "PRIVATE KEY"), { mode: 0o600 });
}

// an ECDSA P-256 pair (the generic generateKey answers a key or a pair; this algorithm always makes a pair)
async function keyPair(crypto: Crypto): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
}
