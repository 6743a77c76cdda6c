// The form of a journey state's step: one input per required field (document fields as image
// file inputs), read into the step's data and files, with field errors shown next to their input.
import type { FieldType, Journey, JsonObject, JsonValue } from '@metis/fsm';
import { h, humanize } from './dom.ts';
import { pendingDocumentMetadata, sniffImage } from './documents.ts';

/** A field error from the browser's machine or the service. */
export interface ShownError {
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
}

/** A step read from the form. */
export interface StepInput {
  /** The field values sent as the step's data. */
  readonly data: JsonObject;
  /** The chosen file of each document field. */
  readonly files: ReadonlyMap<string, File>;
  /** The data the browser's machine checks: the values plus each file's pending metadata. */
  readonly checked: JsonObject;
}

/** A rendered step form. */
export interface StepForm {
  readonly element: HTMLFormElement;
  /** Read the form; a file that is not a JPEG or PNG image is refused here. */
  read(): Promise<{ readonly ok: true; readonly input: StepInput } | { readonly ok: false; readonly errors: readonly ShownError[] }>;
  /** Show errors next to their fields; return those that belong to no field of the form. */
  showErrors(errors: readonly ShownError[]): ShownError[];
  clearErrors(): void;
  /** Disable the form while a step is on its way. */
  setBusy(busy: boolean): void;
}

const INPUT_TYPES: Partial<Record<FieldType, string>> = { email: 'email', phone: 'tel', date: 'date', number: 'number', integer: 'number', boolean: 'checkbox' };

function valueOf(input: HTMLInputElement | HTMLTextAreaElement, type: FieldType): JsonValue | undefined | Error {
  if (input instanceof HTMLInputElement && input.type === 'checkbox') return input.checked;
  const text = input.value.trim();
  if (text === '') return undefined;
  if (type === 'number' || type === 'integer') return Number(text);
  if (type === 'object' || type === 'array') {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return new Error('Enter valid JSON.');
    }
  }
  return text;
}

function initialText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Render the form of the current state's step. */
export function stepForm(journey: Journey, state: string, data: JsonObject, onSubmit: (form: StepForm) => void): StepForm {
  const info = journey.stateInfo(state);
  const inputs = new Map<string, { readonly input: HTMLInputElement | HTMLTextAreaElement; readonly type: FieldType }>();
  const errorSlots = new Map<string, HTMLElement>();
  const rows = info.requiredFields.map((field) => {
    const spec = journey.config.fields[field];
    const type: FieldType = spec?.type ?? 'string';
    const id = `field-${field}`;
    const slot = h('p', { class: 'field-error', id: `error-${field}`, 'data-field': field, role: 'alert' });
    errorSlots.set(field, slot);
    let input: HTMLInputElement | HTMLTextAreaElement;
    let hint: string | undefined = spec?.description;
    if (type === 'document') {
      input = h('input', { id, name: field, type: 'file', accept: 'image/jpeg,image/png', 'aria-describedby': slot.id });
      const held = data[field];
      hint = held !== undefined && held !== null ? 'Already uploaded; choose a file to replace it.' : (hint ?? 'A photo or scan: JPEG or PNG.');
    } else if (type === 'object' || type === 'array') {
      input = h('textarea', { id, name: field, rows: '3', 'aria-describedby': slot.id });
      input.value = initialText(data[field]);
    } else {
      input = h('input', { id, name: field, type: INPUT_TYPES[type] ?? 'text', 'aria-describedby': slot.id, autocomplete: 'off' });
      if (input.type === 'checkbox') input.checked = data[field] === true;
      else input.value = initialText(data[field]);
    }
    inputs.set(field, { input, type });
    return h('div', { class: 'field' }, h('label', { for: id }, spec?.label ?? humanize(field)), input, hint ? h('p', { class: 'hint' }, hint) : null, slot);
  });
  const button = h('button', { type: 'submit', id: 'submit-step' }, 'Continue');
  const element = h('form', { id: 'step-form', class: 'card', novalidate: true, 'data-step': state }, h('h2', {}, humanize(state)), info.description ? h('p', { class: 'hint' }, info.description) : null, ...rows, button);

  const form: StepForm = {
    element,
    async read() {
      const values: JsonObject = {};
      const checked: JsonObject = {};
      const files = new Map<string, File>();
      const errors: ShownError[] = [];
      for (const [field, { input, type }] of inputs) {
        if (type === 'document') {
          const file = input instanceof HTMLInputElement ? input.files?.[0] : undefined;
          if (!file) continue;
          const imageType = await sniffImage(file);
          if (!imageType) {
            errors.push({ field, code: 'not_an_image', message: `${file.name} is not a JPEG or PNG image.` });
            continue;
          }
          files.set(field, file);
          checked[field] = pendingDocumentMetadata(file, imageType);
          continue;
        }
        const value = valueOf(input, type);
        if (value instanceof Error) errors.push({ field, code: 'invalid_json', message: value.message });
        else if (value !== undefined) values[field] = value;
      }
      if (errors.length > 0) return { ok: false, errors };
      return { ok: true, input: { data: values, files, checked: { ...values, ...checked } } };
    },
    showErrors(errors) {
      const unmatched: ShownError[] = [];
      for (const error of errors) {
        const slot = error.field === null ? undefined : errorSlots.get(error.field);
        if (!slot) {
          unmatched.push(error);
          continue;
        }
        slot.textContent = slot.textContent ? `${slot.textContent} ${error.message}` : error.message;
        inputs.get(error.field ?? '')?.input.setAttribute('aria-invalid', 'true');
      }
      return unmatched;
    },
    clearErrors() {
      for (const slot of errorSlots.values()) slot.textContent = '';
      for (const { input } of inputs.values()) input.removeAttribute('aria-invalid');
    },
    setBusy(busy) {
      button.disabled = busy;
      button.textContent = busy ? 'Sending…' : 'Continue';
    },
  };
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    onSubmit(form);
  });
  return form;
}
