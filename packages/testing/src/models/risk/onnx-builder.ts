import protobuf from 'protobufjs';
import type { Type } from 'protobufjs';

// The part of onnx.proto (proto2, package onnx) the generated models use, with its real field numbers.
const ONNX_PROTO = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; SPARSE_TENSOR = 11; SPARSE_TENSORS = 12; }
  optional string name = 1;
  optional string ref_attr_name = 21;
  optional string doc_string = 13;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  enum DataType { UNDEFINED = 0; FLOAT = 1; UINT8 = 2; INT8 = 3; UINT16 = 4; INT16 = 5; INT32 = 6; INT64 = 7; STRING = 8; BOOL = 9; FLOAT16 = 10; DOUBLE = 11; UINT32 = 12; UINT64 = 13; }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  optional string denotation = 6;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/** The protobufjs type of ONNX's `ModelProto` (field names as in onnx.proto), which encodes and decodes the generated models. */
export const onnxModelProto: Type = protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');

// IR version 7; TensorProto.DataType FLOAT and INT64.
const IR_VERSION = 7;
const TENSOR_FLOAT = 1;
const TENSOR_INT64 = 7;

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

// The plain-object shapes of the messages written, as protobufjs's fromObject takes them.
interface TensorMessage {
  dims: number[];
  data_type: number;
  name: string;
  raw_data: Uint8Array;
}
interface ValueInfoMessage {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}
interface NodeMessage {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  attribute: { name: string; i: number; type: 'INT' }[];
}
interface ModelMessage {
  ir_version: number;
  producer_name: string;
  producer_version: string;
  doc_string?: string;
  graph: { node: NodeMessage[]; name: string; initializer: TensorMessage[]; input: ValueInfoMessage[]; output: ValueInfoMessage[] };
  opset_import: { domain: string; version: number }[];
  metadata_props: { key: string; value: string }[];
}

function tensor(t: OnnxInitializer): TensorMessage {
  const raw = new Uint8Array(t.values.length * (t.type === 'float' ? 4 : 8));
  const view = new DataView(raw.buffer);
  t.values.forEach((v, i) => (t.type === 'float' ? view.setFloat32(i * 4, v, true) : view.setBigInt64(i * 8, BigInt(v), true)));
  return { dims: [...t.dims], data_type: t.type === 'float' ? TENSOR_FLOAT : TENSOR_INT64, name: t.name, raw_data: raw };
}

function valueInfo(v: OnnxValue): ValueInfoMessage {
  const dim = v.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name: v.name, type: { tensor_type: { elem_type: TENSOR_FLOAT, shape: { dim } } } };
}

/** Encode an ONNX `ModelProto`. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const model: ModelMessage = {
    ir_version: IR_VERSION,
    producer_name: spec.producer,
    producer_version: spec.producerVersion,
    ...(spec.docString ? { doc_string: spec.docString } : {}),
    graph: {
      node: spec.nodes.map((n) => ({
        input: [...n.inputs],
        output: [...n.outputs],
        ...(n.name ? { name: n.name } : {}),
        op_type: n.op,
        attribute: Object.entries(n.intAttributes ?? {}).map(([name, i]) => ({ name, i, type: 'INT' })),
      })),
      name: spec.graphName,
      initializer: spec.initializers.map(tensor),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
    opset_import: [{ domain: '', version: spec.opset }],
    metadata_props: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
  // A plain Uint8Array of its own, not a Buffer slice of protobufjs's pool.
  return Uint8Array.from(onnxModelProto.encode(onnxModelProto.fromObject(model)).finish());
}
