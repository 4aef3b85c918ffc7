/**
 * Internal: ONNX models. {@link io.actdb.extractor.model.onnx.OnnxGraph} reads a model's graph on
 * the protobuf wire format (no generated ONNX classes) and makes intermediate tensors graph
 * outputs; {@link io.actdb.extractor.model.onnx.OnnxModel} says what a model takes (images or token
 * sequences), which tensors it can give and under which store names (BERT-style encoders: {@code
 * embeddings}, {@code layer0}, ...); {@link io.actdb.extractor.model.onnx.OnnxSession} runs it on
 * DJL's OnnxRuntime engine; {@link io.actdb.extractor.model.onnx.TextTokenizer} is the Hugging Face
 * tokenizer of a text model and {@link io.actdb.extractor.model.onnx.PretrainedModel} the shortcuts
 * to the pretrained encoders whose jars the CLI carries. ONNX Runtime's own Java API is used only
 * where DJL has none (is the CUDA provider here).
 */
package io.actdb.extractor.model.onnx;
