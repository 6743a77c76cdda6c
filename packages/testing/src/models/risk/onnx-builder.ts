import { ProtoWriter } from './protobuf-writer.ts';

// Field numbers and enums from onnx.proto (IR version 7, the default domain's opset 13).
const TENSOR_FLOAT = 1;
const TENSOR_INT64 = 7;
const ATTR_INT = 2;

/** A constant tensor stored in the graph. */
export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: 'float' | 'int64';
  readonly values: readonly number[];
}

/** One operator of the graph. */
export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly intAttributes?: Readonly<Record<string, number>>;
}

/** A graph input or output: float tensor, dims as numbers or symbolic names. */
export interface OnnxValue {
  readonly name: string;
  readonly dims: readonly (number | string)[];
}

/** A whole model: one graph of default-domain operators. */
export interface OnnxModelSpec {
  readonly graphName: string;
  readonly producer: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly opset: number;
  readonly inputs: readonly OnnxValue[];
  readonly outputs: readonly OnnxValue[];
  readonly initializers: readonly OnnxInitializer[];
  readonly nodes: readonly OnnxNode[];
  /** Free-form metadata stored in the model (`metadata_props`). */
  readonly metadata?: Readonly<Record<string, string>>;
}

function tensor(w: ProtoWriter, t: OnnxInitializer): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.type === 'float' ? TENSOR_FLOAT : TENSOR_INT64);
  w.string(8, t.name);
  const raw = new Uint8Array(t.values.length * (t.type === 'float' ? 4 : 8));
  const view = new DataView(raw.buffer);
  t.values.forEach((v, i) => (t.type === 'float' ? view.setFloat32(i * 4, v, true) : view.setBigInt64(i * 8, BigInt(v), true)));
  w.bytes(9, raw);
}

function valueInfo(w: ProtoWriter, v: OnnxValue): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tt) => {
      tt.int(1, TENSOR_FLOAT);
      tt.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** Encode an ONNX `ModelProto`. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const model = new ProtoWriter();
  model.int(1, 7);
  model.string(2, spec.producer);
  model.string(3, spec.producerVersion);
  if (spec.docString) model.string(6, spec.docString);
  model.message(7, (g) => {
    for (const n of spec.nodes) {
      g.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        if (n.name) node.string(3, n.name);
        node.string(4, n.op);
        for (const [name, value] of Object.entries(n.intAttributes ?? {})) {
          node.message(5, (a) => a.string(1, name).int(3, value).int(20, ATTR_INT));
        }
      });
    }
    g.string(2, spec.graphName);
    for (const t of spec.initializers) g.message(5, (w) => tensor(w, t));
    for (const v of spec.inputs) g.message(11, (w) => valueInfo(w, v));
    for (const v of spec.outputs) g.message(12, (w) => valueInfo(w, v));
  });
  model.message(8, (o) => o.string(1, '').int(2, spec.opset));
  for (const [key, value] of Object.entries(spec.metadata ?? {})) model.message(14, (e) => e.string(1, key).string(2, value));
  return model.finish();
}
