import { parseArgs } from 'node:util';
import { analyzeDocument, DOCUMENT_TYPES } from '@metis/activities/documents';
import { createOcrEngine, readImageHeader } from '@metis/activities/ocr';
import { MetisError } from '@metis/activities/errors';
import type { DocumentType } from '@metis/activities/documents';
import type { OcrEngine } from '@metis/activities/ocr';

/** What the command needs from its host: reading files and writing lines. */
export interface OcrCommandIo {
  readFile(path: string): Promise<Uint8Array>;
  stdout(line: string): void;
  stderr(line: string): void;
}

const USAGE = `usage: metis ocr IMAGE [options]

  Read a PAN card, Aadhaar card or bank statement image and print its type and fields as JSON.
  --expect TYPE   fail unless the document is of this type (${DOCUMENT_TYPES.join(', ')})
  --threads N     inference threads (default: all cores)
  --lenient       read blurred, dark or small images instead of rejecting them
  --lines         include the recognised lines of text

exit codes: 0 read (check "valid"), 1 unreadable, low-quality or wrong-type document, 2 usage error or missing file`;

/** Run `metis ocr IMAGE`: print the document's type and extracted fields as JSON; return the exit code. */
export async function runOcrCommand(args: string[], io: OcrCommandIo, engineFactory: (threads: number | undefined) => Promise<OcrEngine> = (threads) => createOcrEngine(threads ? { intraOpThreads: threads } : {})): Promise<number> {
  const rest = args[0] === 'ocr' ? args.slice(1) : args;
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(rest);
  } catch (error) {
    io.stderr(`metis ocr: ${(error as Error).message}`);
    io.stderr(USAGE);
    return 2;
  }
  const { positionals, values } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    io.stderr(USAGE);
    return 2;
  }
  const expect = values.expect;
  if (expect !== undefined && !(DOCUMENT_TYPES as readonly string[]).includes(expect)) {
    io.stderr(`metis ocr: --expect must be one of ${DOCUMENT_TYPES.join(', ')}, not ${JSON.stringify(expect)}`);
    return 2;
  }
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    io.stderr('metis ocr: --threads must be a positive whole number');
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = await io.readFile(file);
  } catch (error) {
    io.stderr(`metis ocr: cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  let engine: OcrEngine | undefined;
  try {
    // Reject a file that is no image before loading the models.
    await readImageHeader(bytes);
    engine = await engineFactory(threads);
    const analysis = await analyzeDocument(engine, bytes, {
      ...(expect ? { expectedType: expect as DocumentType } : {}),
      ...(values.lenient ? { rejectLowQuality: false } : {}),
    });
    const out = {
      file,
      document_type: analysis.classification.type,
      confidence: analysis.classification.confidence,
      valid: analysis.valid,
      fields: analysis.fields,
      missing_fields: analysis.missingFields,
      image: analysis.metadata,
      image_violations: analysis.imageViolations,
      timings_ms: analysis.timings,
      ...(values.lines ? { lines: analysis.lines } : {}),
    };
    io.stdout(JSON.stringify(out, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof MetisError) {
      io.stdout(JSON.stringify({ file, error: { code: error.code, message: error.message } }, null, 2));
      io.stderr(`metis ocr: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await engine?.dispose();
  }
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      expect: { type: 'string' },
      threads: { type: 'string' },
      lenient: { type: 'boolean', default: false },
      lines: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
