/**
 * Networks actdb builds and trains itself with DJL's block API, so that every layer has a name
 * of ours and can be captured: {@link io.actdb.extractor.model.builtin.BuiltinModels} creates and
 * loads them, {@link io.actdb.extractor.model.builtin.Training} trains them and writes
 * checkpoints. Layer names and shapes per architecture are listed on {@code Architecture}.
 * Public: {@code BuiltinModels}, {@code BuiltinModel}, {@code Training}, {@code CheckpointInfo},
 * {@code NamedLayers}; the rest is internal.
 */
package io.actdb.extractor.model.builtin;
