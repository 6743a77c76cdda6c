import { ObjectKeyError } from '../../errors.ts';
import { assertTenantKey, tenantPrefix } from './object-keys.ts';

/** What the store knows of one object. */
export interface ObjectInfo {
  /** Full key of the object. */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** Entity tag the store computed. */
  readonly etag: string;
  /** Last modification time. */
  readonly lastModified: Date;
  /** Content type given at upload, when the store reports it. */
  readonly contentType?: string;
}

/** Options for storing an object. */
export interface PutOptions {
  /** MIME type recorded with the object. */
  readonly contentType?: string;
  /** Extra metadata recorded with the object. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** An S3-shaped object store: one bucket, keys chosen by the caller. */
export interface ObjectStore {
  /** Create the bucket if it does not exist. */
  ensureBucket(): Promise<void>;
  /** Verify the store answers and accepts the credentials; throw `ConfigurationError` otherwise. */
  check(): Promise<void>;
  /** Store bytes under a key, replacing any object there. */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectInfo>;
  /** Read an object's bytes; throw `ObjectNotFoundError` when it is missing. */
  get(key: string): Promise<Uint8Array>;
  /** Describe an object, or return undefined when it is missing. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** List every object whose key starts with the prefix. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Delete an object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Return a URL that reads the object without credentials until it expires. */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
  /** Return a URL that uploads the object with HTTP PUT until it expires. */
  presignPut(key: string, expiresInSeconds: number): Promise<string>;
}

/** Return a view of the store that only accepts keys inside one tenant's prefix. */
export function tenantObjects(store: ObjectStore, tenantId: string): ObjectStore {
  const prefix = tenantPrefix(tenantId);
  const guard = (key: string): string => {
    assertTenantKey(tenantId, key);
    return key;
  };
  return {
    ensureBucket: () => store.ensureBucket(),
    check: () => store.check(),
    put: async (key, body, options) => store.put(guard(key), body, options),
    get: async (key) => store.get(guard(key)),
    stat: async (key) => store.stat(guard(key)),
    list: async (subPrefix) => {
      if (!subPrefix.startsWith(prefix) || subPrefix.includes('..')) {
        throw new ObjectKeyError(`prefix is outside tenant ${tenantId}`, subPrefix);
      }
      return store.list(subPrefix);
    },
    delete: async (key) => store.delete(guard(key)),
    presignGet: async (key, expires) => store.presignGet(guard(key), expires),
    presignPut: async (key, expires) => store.presignPut(guard(key), expires),
  };
}
