import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildLogisticOnnx, encodeOnnxModel, LOGISTIC_TENSORS, trainRiskModel } from '@metis/testing';
import { onnxModelProto } from '../src/models/risk/onnx-builder.ts';

interface Decoded {
  ir_version: number;
  producer_name: string;
  doc_string?: string;
  opset_import: { domain?: string; version: number }[];
  metadata_props: { key: string; value: string }[];
  graph: {
    name: string;
    node: { op_type: string; name?: string; input: string[]; output: string[]; attribute: { name: string; type: string; i: number }[] }[];
    initializer: { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }[];
    input: { name: string; type: { tensor_type: { elem_type: number; shape: { dim: { dim_value?: number; dim_param?: string }[] } } } }[];
    output: { name: string }[];
  };
}

/** Decode model bytes with the schema that wrote them, 64-bit numbers as numbers, enums by name and absent repeated fields as empty arrays. */
function decode(bytes: Uint8Array): Decoded {
  return onnxModelProto.toObject(onnxModelProto.decode(bytes), { longs: Number, enums: String, arrays: true }) as Decoded;
}

describe('encodeOnnxModel', () => {
  it('writes a ModelProto that decodes back to the same graph', () => {
    const model = trainRiskModel({ tenantId: 'acme-finance', version: 'v-onnx', rows: 500, seed: 'onnx-builder' });
    const { features, intercept } = model.metadata;
    const decoded = decode(model.onnx);
    assert.equal(decoded.ir_version, 7);
    assert.equal(decoded.producer_name, 'metis');
    assert.deepEqual(decoded.opset_import, [{ domain: '', version: 13 }]);
    assert.deepEqual(Object.fromEntries(decoded.metadata_props.map((p) => [p.key, p.value])), { tenant_id: 'acme-finance', version: 'v-onnx', format: 'metis-logistic-v1' });
    const { graph } = decoded;
    assert.equal(graph.name, 'metis_risk_logistic');
    assert.deepEqual(graph.node.map((n) => n.op_type), ['Sub', 'Div', 'Mul', 'ReduceSum', 'Add', 'Sigmoid']);
    assert.deepEqual(graph.node.find((n) => n.op_type === 'ReduceSum')?.attribute.map(({ name, type, i }) => ({ name, type, i })), [{ name: 'keepdims', type: 'INT', i: 1 }]);
    assert.deepEqual(graph.node.at(-1)?.output, [LOGISTIC_TENSORS.probability]);
    const f = features.length;
    assert.deepEqual(graph.initializer.map((t) => [t.name, t.dims, t.data_type]), [
      ['mean', [f], 1],
      ['std', [f], 1],
      ['weights', [f], 1],
      ['intercept', [1], 1],
      ['sum_axes', [1], 7],
    ]);
    const floats = (name: string): number[] => {
      const raw = graph.initializer.find((t) => t.name === name)?.raw_data ?? new Uint8Array();
      return Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
    };
    assert.deepEqual(floats('weights'), features.map((x) => Math.fround(x.weight)));
    assert.deepEqual(floats('intercept'), [Math.fround(intercept)]);
    assert.deepEqual(graph.input.map((v) => [v.name, v.type.tensor_type.elem_type, v.type.tensor_type.shape.dim]), [[LOGISTIC_TENSORS.input, 1, [{ dim_param: 'batch' }, { dim_value: f }]]]);
    assert.deepEqual(graph.output.map((v) => v.name), [LOGISTIC_TENSORS.probability, LOGISTIC_TENSORS.logit, LOGISTIC_TENSORS.contributions]);
    assert.deepEqual(buildLogisticOnnx(model.metadata), model.onnx, 'the encoding is deterministic');
  });

  it('keeps 64-bit integers, negative attributes and optional fields', () => {
    const bytes = encodeOnnxModel({
      graphName: 'g',
      producer: 'p',
      producerVersion: '2',
      opset: 17,
      inputs: [{ name: 'x', dims: [3, 'n'] }],
      outputs: [{ name: 'y', dims: [3] }],
      initializers: [{ name: 'k', dims: [2, 1], type: 'int64', values: [-5, 2 ** 40] }],
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'], intAttributes: { a: -1, b: 300 } }],
    });
    assert.ok(bytes instanceof Uint8Array && !Buffer.isBuffer(bytes), 'a plain Uint8Array');
    const decoded = decode(bytes);
    assert.equal(decoded.doc_string, undefined);
    assert.deepEqual(decoded.metadata_props, []);
    const [node] = decoded.graph.node;
    assert.equal(node?.name, undefined);
    assert.deepEqual(node?.attribute.map((a) => [a.name, a.i]), [['a', -1], ['b', 300]]);
    const [k] = decoded.graph.initializer;
    assert.deepEqual(k?.dims, [2, 1]);
    const raw = k?.raw_data ?? new Uint8Array();
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    assert.deepEqual([view.getBigInt64(0, true), view.getBigInt64(8, true)], [-5n, 2n ** 40n]);
  });
});
