import type { BucketItem, Client } from 'minio';
import { ConfigurationError, ObjectNotFoundError } from '../../../errors.ts';
import type { ObjectInfo, ObjectStore, PutOptions } from '../object-store.ts';

/** Connection settings for an S3-compatible server reached with the MinIO client. */
export interface MinioObjectStoreConfig {
  /** Endpoint URL, e.g. `http://127.0.0.1:9000`. */
  readonly endpoint: string;
  /** Access key id. */
  readonly accessKey: string;
  /** Secret access key. */
  readonly secretKey: string;
  /** Bucket holding every Metis object. */
  readonly bucket: string;
  /** Region to sign for; defaults to `us-east-1`. */
  readonly region?: string;
}

interface S3ErrorLike {
  code?: string;
  message?: string;
}

const AUTH_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied']);

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as S3ErrorLike).code : undefined;
}

/** Create an `ObjectStore` backed by a MinIO or S3 server; the MinIO client library loads on first use. */
export function createMinioObjectStore(config: MinioObjectStoreConfig): ObjectStore {
  const url = new URL(config.endpoint);
  const useSSL = url.protocol === 'https:';
  const region = config.region ?? 'us-east-1';
  // A process that never touches objects (one that only takes journey steps) never loads the client.
  let connecting: Promise<Client> | undefined;
  const connect = (): Promise<Client> =>
    (connecting ??= import('minio').then(
      ({ Client }) =>
        new Client({
          endPoint: url.hostname,
          port: url.port ? Number(url.port) : useSSL ? 443 : 80,
          useSSL,
          accessKey: config.accessKey,
          secretKey: config.secretKey,
          region,
        }),
    ));
  const bucket = config.bucket;

  const explain = (error: unknown): never => {
    const code = errorCode(error);
    if (code && AUTH_CODES.has(code)) {
      throw new ConfigurationError('OBJECT_STORE_AUTH_FAILED', `the object store at ${config.endpoint} rejected the credentials (${code})`, {
        hint: 'Check METIS_S3_ACCESS_KEY and METIS_S3_SECRET_KEY',
        cause: error,
      });
    }
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'ECONNRESET') {
      throw new ConfigurationError('OBJECT_STORE_UNREACHABLE', `the object store at ${config.endpoint} is unreachable (${code})`, {
        hint: 'Start it with `npm run stack -- up` or set METIS_S3_ENDPOINT',
        cause: error,
      });
    }
    throw error;
  };

  const stat = async (key: string): Promise<ObjectInfo | undefined> => {
    try {
      const s = await (await connect()).statObject(bucket, key);
      const contentType = s.metaData['content-type'] as string | undefined;
      return { key, size: s.size, etag: s.etag, lastModified: s.lastModified, ...(contentType ? { contentType } : {}) };
    } catch (error) {
      const code = errorCode(error);
      if (code === 'NotFound' || code === 'NoSuchKey') return undefined;
      return explain(error);
    }
  };

  return {
    async ensureBucket() {
      const client = await connect();
      const exists = await client.bucketExists(bucket).catch(explain);
      if (!exists) {
        await client.makeBucket(bucket, region).catch((error: unknown) => {
          if (errorCode(error) === 'BucketAlreadyOwnedByYou') return;
          explain(error);
        });
      }
    },
    async check() {
      const exists = await (await connect()).bucketExists(bucket).catch(explain);
      if (!exists) {
        throw new ConfigurationError('OBJECT_STORE_NO_BUCKET', `bucket ${bucket} does not exist at ${config.endpoint}`, {
          hint: 'Run `metis store init` or call ensureBucket()',
        });
      }
    },
    async put(key: string, body: Uint8Array, options?: PutOptions) {
      const meta: Record<string, string> = { ...options?.metadata };
      if (options?.contentType) meta['Content-Type'] = options.contentType;
      const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      await (await connect()).putObject(bucket, key, buffer, buffer.byteLength, meta).catch(explain);
      const info = await stat(key);
      if (!info) throw new ObjectNotFoundError(key);
      return info;
    },
    async get(key: string) {
      const chunks: Buffer[] = [];
      try {
        const stream = await (await connect()).getObject(bucket, key);
        for await (const chunk of stream) chunks.push(chunk as Buffer);
      } catch (error) {
        const code = errorCode(error);
        if (code === 'NoSuchKey' || code === 'NotFound') throw new ObjectNotFoundError(key);
        explain(error);
      }
      return new Uint8Array(Buffer.concat(chunks));
    },
    stat,
    async list(prefix: string) {
      const items: ObjectInfo[] = [];
      try {
        const client = await connect();
        for await (const raw of client.listObjectsV2(bucket, prefix, true)) {
          const item = raw as BucketItem;
          if (!item.name) continue;
          items.push({ key: item.name, size: item.size, etag: item.etag ?? '', lastModified: item.lastModified ?? new Date(0) });
        }
      } catch (error) {
        explain(error);
      }
      return items;
    },
    async delete(key: string) {
      await (await connect()).removeObject(bucket, key).catch(explain);
    },
    presignGet: async (key, expiresInSeconds) => (await connect()).presignedGetObject(bucket, key, expiresInSeconds),
    presignPut: async (key, expiresInSeconds) => (await connect()).presignedPutObject(bucket, key, expiresInSeconds),
  };
}
