-- Overfitting seen through CKA: which layers change when a model overfits? Reproduces the
-- KTH thesis §4.3 (table 6.30): a CNN trained on 1 000 images, its checkpoint at epoch 5 (train and
-- test accuracy start to diverge) against epoch 40 (overfit), layer by layer, debiased linear
-- CKA on the training images it saw and on test images. The thesis finds similarity falling
-- with depth (0.99 at layer 1 to 0.74 at the output) and the same on training and test data.
--
-- Parameters (SET VARIABLE name = value; defaults in brackets):
--   early        the early checkpoint's model name       ['cnn-overfit-e005']
--   late         the overfit checkpoint's model name     ['cnn-overfit-e040']
--   train_size   the model saw the first N training samples (lowest sample ids)   [1000]
--   test_size    how many test samples to use (lowest ids)                       [1000]
--   layer_order  layers in the order to show them, a list  [none: the store's forward order]

CREATE OR REPLACE TEMP TABLE overfit_samples AS
SELECT sample_id, split FROM (
  SELECT sample_id, split, row_number() OVER (PARTITION BY split ORDER BY sample_id) AS n
  FROM samples WHERE split IN ('train', 'test')
)
WHERE (split = 'train' AND n <= coalesce(getvariable('train_size'), 1000))
   OR (split = 'test' AND n <= coalesce(getvariable('test_size'), 1000));

-- Table: CKA between the early and the overfit checkpoint, per layer, on training and test data
WITH per_layer AS (
  SELECT e.layer,
         round(cka_debiased(e.vec, l.vec) FILTER (WHERE o.split = 'train'), 3) AS cka_debiased_train,
         round(cka_debiased(e.vec, l.vec) FILTER (WHERE o.split = 'test'), 3) AS cka_debiased_test,
         round(cka(e.vec, l.vec) FILTER (WHERE o.split = 'train'), 3) AS cka_train,
         round(cka(e.vec, l.vec) FILTER (WHERE o.split = 'test'), 3) AS cka_test,
         count(*) FILTER (WHERE o.split = 'train') AS n_train,
         count(*) FILTER (WHERE o.split = 'test') AS n_test
  FROM activations e
  JOIN activations l USING (layer, sample_id)
  JOIN overfit_samples o USING (sample_id)
  WHERE e.model = coalesce(getvariable('early'), 'cnn-overfit-e005')
    AND l.model = coalesce(getvariable('late'), 'cnn-overfit-e040')
  GROUP BY e.layer
)
SELECT p.* FROM per_layer p
JOIN layers s ON s.model = coalesce(getvariable('early'), 'cnn-overfit-e005') AND s.layer = p.layer
ORDER BY coalesce(list_position(getvariable('layer_order'), p.layer), 1000 + s.position), p.layer;
