/**
 * Internal: the models the extractor runs. {@link io.actdb.extractor.model.ActivationModel} is what
 * extraction needs of a model (its layer names in forward order, one batch in, the requested layers
 * out); {@link io.actdb.extractor.model.ModelLoader} turns a {@code --model} argument into one (a
 * TorchScript file, or a built-in network of {@code builtin}); {@link
 * io.actdb.extractor.model.Devices} picks CPU or GPU and says why a GPU is not there. DJL's engine
 * types stay in this package and its sub-packages.
 */
package io.actdb.extractor.model;
