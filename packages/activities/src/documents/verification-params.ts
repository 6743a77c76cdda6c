import { isPlainObject } from '@metis/fsm';
import { MetisError } from '../errors.ts';
import type { JsonRecord } from '../journeys/journey-activities.ts';
import { DOCUMENT_TYPES } from './intelligence/types.ts';
import type { DocumentType } from './intelligence/types.ts';
import type { TypedApplicant } from './verification/index.ts';

/** A document field of the journey to read and cross-check. */
export interface DocumentToVerify {
  /** The journey field it was submitted in, e.g. `pan_image`. */
  readonly field: string;
  /** The stored document's id; empty when the field the params name holds no document. */
  readonly documentId: string;
  /** The type the field asks for; `undefined` accepts any known type (e.g. an additional document). */
  readonly expectedType: DocumentType | undefined;
}

/** What `metis.verify_documents` works on, from its params and the journey data. */
export interface VerificationPlan {
  readonly documents: readonly DocumentToVerify[];
  readonly typed: TypedApplicant;
  readonly nameThreshold: number | undefined;
}

/** The automation's params do not make sense (a config mistake, not the applicant's). */
export class VerificationParamsError extends MetisError {
  constructor(message: string) {
    super('AUTOMATION_PARAMS_INVALID', `metis.verify_documents: ${message}`, { hint: 'Fix automation.params of the document verification state in the journey config' });
  }
}

/** Journey fields holding what the applicant typed, by default. */
const TYPED_DEFAULTS: Readonly<Record<keyof TypedApplicant, readonly string[]>> = {
  name: ['name', 'full_name', 'applicant_name'],
  dateOfBirth: ['date_of_birth', 'dob'],
  pan: ['pan_number', 'pan'],
  aadhaarNumber: ['aadhar_number', 'aadhaar_number'],
};

/** Param names of the typed fields (snake_case, as configs write them). */
const TYPED_PARAM: Readonly<Record<keyof TypedApplicant, string>> = { name: 'name', dateOfBirth: 'date_of_birth', pan: 'pan', aadhaarNumber: 'aadhaar_number' };

/** The type a document field asks for, from its name: `pan_image` → pan, `aadhar_image` → aadhaar, `bank_statement` → bank statement. */
export function documentTypeOfField(field: string): DocumentType | undefined {
  if (/(^|_)pan(_|$)/.test(field)) return 'pan';
  if (/(^|_)aadh?aa?r(_|$)/.test(field)) return 'aadhaar';
  if (/(^|_)(bank|statement)(_|$)/.test(field)) return 'bank_statement';
  return undefined;
}


/**
 * Work out which documents to read and which typed values to compare, from the state's params
 * (`documents: { field: "pan" | "aadhaar" | "bank_statement" | "any" }`, `fields: { name, date_of_birth, pan,
 * aadhaar_number }` naming journey fields, `name_threshold` in (0, 1]) and the journey data. Without
 * `documents`, every document field in the data is read, its type told by its name.
 */
export function verificationParams(params: JsonRecord, data: JsonRecord): VerificationPlan {
  const { documents: docParam, fields: fieldParam, name_threshold: threshold } = params;
  const unknown = Object.keys(params).filter((k) => !['documents', 'fields', 'name_threshold'].includes(k));
  if (unknown.length > 0) throw new VerificationParamsError(`unknown params ${unknown.join(', ')} (known: documents, fields, name_threshold)`);
  if (threshold !== undefined && !(typeof threshold === 'number' && threshold > 0 && threshold <= 1)) throw new VerificationParamsError('name_threshold must be a number in (0, 1]');
  if (docParam !== undefined && !isPlainObject(docParam)) throw new VerificationParamsError('documents must map journey fields to document types');
  if (fieldParam !== undefined && !isPlainObject(fieldParam)) throw new VerificationParamsError('fields must map name, date_of_birth, pan and aadhaar_number to journey fields');

  const wanted: [string, DocumentType | undefined][] = docParam
    ? Object.entries(docParam).map(([field, type]) => {
        if (type !== 'any' && !(DOCUMENT_TYPES as readonly unknown[]).includes(type)) throw new VerificationParamsError(`documents.${field} must be one of ${DOCUMENT_TYPES.join(', ')} or any`);
        return [field, type === 'any' ? undefined : (type as DocumentType)];
      })
    : Object.entries(data).flatMap(([field, value]) => {
        if (!(isPlainObject(value) && typeof value['document_id'] === 'string')) return [];
        const type = documentTypeOfField(field);
        // Without params, identity documents are read by their field's name, and `additional*`
        // fields accept any of them; other documents (a selfie, a salary slip) are not read.
        return type || /^additional/.test(field) ? [[field, type] as [string, DocumentType | undefined]] : [];
      });
  const documents = wanted.map(([field, expectedType]) => {
    const value = data[field];
    // A field the params name but the data lacks is reported missing, never skipped.
    return { field, documentId: isPlainObject(value) && typeof value['document_id'] === 'string' ? value['document_id'] : '', expectedType };
  });

  const typed: Partial<Record<keyof TypedApplicant, string>> = {};
  for (const key of Object.keys(TYPED_DEFAULTS) as (keyof TypedApplicant)[]) {
    const mapped = fieldParam?.[TYPED_PARAM[key]];
    if (mapped !== undefined && typeof mapped !== 'string') throw new VerificationParamsError(`fields.${TYPED_PARAM[key]} must name a journey field`);
    const names = mapped !== undefined ? [mapped] : TYPED_DEFAULTS[key];
    const value = names.map((n) => data[n]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
    if (value !== undefined) typed[key] = value.trim();
  }
  return { documents, typed, nameThreshold: threshold };
}
