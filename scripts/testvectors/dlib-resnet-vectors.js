// Reference outputs for the dlib-resnet import (FaceNetML.Models.Onnx.FaceApiResNetToOnnx), from an independent
// runtime: TensorFlow.js (pure-JS CPU backend) with TF.js's own weight decoder, running face-api's
// FaceRecognitionNet forward pass exactly as written in @vladmandic/face-api@1.7.15 src/faceRecognitionNet/*.ts.
//
// Regenerate (offline after the install; no native code):
//   mkdir -p /tmp/tfjsref && cd /tmp/tfjsref && npm init -y && npm install @tensorflow/tfjs@4.22.0 @vladmandic/face-api@1.7.15
//   node <repo>/scripts/testvectors/dlib-resnet-vectors.js /tmp/tfjsref <repo>/tests/FaceNetML.Tests/Models/Vectors
// Writes dlib-resnet.input.u8 (N x 150 x 150 x 3 RGB pixels, NHWC) and dlib-resnet.json (the raw 128-d outputs).
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.resolve(process.argv[2] || '.');
const outDir = path.resolve(process.argv[3] || '.');
const tf = require(path.join(root, 'node_modules', '@tensorflow', 'tfjs'));
const modelDir = path.join(root, 'node_modules', '@vladmandic', 'face-api', 'model');

function inputs() {
  // Three deterministic 150x150 RGB images: uniform noise (a 32-bit LCG), a smooth colour pattern, and
  // a face-like blob (dark eyes and mouth on a skin-toned disc over a grey background).
  const n = 3, s = 150, px = new Uint8Array(n * s * s * 3);
  let state = 12345;
  const lcg = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state >>> 24; };
  for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) {
    const i = (y * s + x) * 3;
    for (let c = 0; c < 3; c++) px[i + c] = lcg();
    const j = s * s * 3 + i;
    px[j] = (x * 1.7 + y * 0.5) % 256 | 0; px[j + 1] = (128 + 100 * Math.sin(x / 9) * Math.cos(y / 13)) | 0; px[j + 2] = (y * 1.3) % 256 | 0;
    const k = 2 * s * s * 3 + i;
    const d = Math.hypot((x - 75) / 48, (y - 80) / 62);
    let v = d < 1 ? [205, 160, 135] : [110, 110, 115];
    const eye = Math.hypot(x - 52, y - 64) < 7 || Math.hypot(x - 98, y - 64) < 7;
    const mouth = Math.abs(y - 112) < 4 && Math.abs(x - 75) < 20;
    if (eye || mouth) v = [60, 35, 30];
    px[k] = v[0]; px[k + 1] = v[1]; px[k + 2] = v[2];
  }
  return { n, s, px };
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
  const w = {};
  for (const group of manifest) {
    const buffers = group.paths.map((p) => fs.readFileSync(path.join(modelDir, p)));
    const all = Buffer.concat(buffers);
    Object.assign(w, tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.length), group.weights));
  }
  // face-api src/faceRecognitionNet: scaleLayer, convLayer, residualLayer, FaceRecognitionNet.forwardInput.
  const scale = (x, p) => tf.add(tf.mul(x, w[`${p}/scale/weights`]), w[`${p}/scale/biases`]);
  const convLayer = (x, p, strides, withRelu, padding = 'same') => {
    let out = tf.conv2d(x, w[`${p}/conv/filters`], strides, padding);
    out = tf.add(out, w[`${p}/conv/bias`]);
    out = scale(out, p);
    return withRelu ? tf.relu(out) : out;
  };
  const conv = (x, p) => convLayer(x, p, [1, 1], true);
  const convNoRelu = (x, p) => convLayer(x, p, [1, 1], false);
  const convDown = (x, p) => convLayer(x, p, [2, 2], true, 'valid');
  const residual = (x, p) => tf.relu(tf.add(convNoRelu(conv(x, `${p}/conv1`), `${p}/conv2`), x));
  const residualDown = (x, p) => {
    let out = convDown(x, `${p}/conv1`);
    out = convNoRelu(out, `${p}/conv2`);
    let pooled = tf.avgPool(x, 2, 2, 'valid');
    const zeros = tf.zeros(pooled.shape);
    const isPad = pooled.shape[3] !== out.shape[3];
    const isAdjustShape = pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2];
    if (isAdjustShape) {
      const padShapeX = [...out.shape]; padShapeX[1] = 1;
      out = tf.concat([out, tf.zeros(padShapeX)], 1);
      const padShapeY = [...out.shape]; padShapeY[2] = 1;
      out = tf.concat([out, tf.zeros(padShapeY)], 2);
    }
    pooled = isPad ? tf.concat([pooled, zeros], 3) : pooled;
    return tf.relu(tf.add(pooled, out));
  };
  const { n, s, px } = inputs();
  const output = tf.tidy(() => {
    const batch = tf.tensor4d(Float32Array.from(px), [n, s, s, 3]);
    const meanRgb = [122.782, 117.001, 104.298];
    const avg = tf.concat(meanRgb.map((m) => tf.fill([n, s, s, 1], m, 'float32')), 3);
    const normalized = tf.sub(batch, avg).div(255);
    let out = convDown(normalized, 'conv32_down');
    out = tf.maxPool(out, 3, 2, 'valid');
    for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) out = residual(out, p);
    out = residualDown(out, 'conv64_down');
    for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) out = residual(out, p);
    out = residualDown(out, 'conv128_down');
    for (const p of ['conv128_1', 'conv128_2']) out = residual(out, p);
    out = residualDown(out, 'conv256_down');
    for (const p of ['conv256_1', 'conv256_2']) out = residual(out, p);
    out = residualDown(out, 'conv256_down_out');
    return tf.matMul(out.mean([1, 2]), w.fc);
  });
  const values = Array.from(await output.data());
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'dlib-resnet.input.u8'), px);
  const rows = [];
  for (let i = 0; i < n; i++) rows.push(values.slice(i * 128, (i + 1) * 128));
  fs.writeFileSync(path.join(outDir, 'dlib-resnet.json'), JSON.stringify({
    source: '@vladmandic/face-api@1.7.15 model/face_recognition_model (sha256 of .bin b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589)',
    runtime: `@tensorflow/tfjs@${tf.version.tfjs} backend ${tf.getBackend()}`,
    input: { file: 'dlib-resnet.input.u8', shape: [n, s, s, 3], layout: 'NHWC RGB uint8 pixels' },
    outputs: rows,
  }, null, 1));
  console.log(`wrote ${n} vectors to ${outDir}; first values ${rows[0].slice(0, 4).join(', ')}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
