-- The layer-identification sanity check of seed 002 §6.1 (Table 2): given networks of the same
-- architecture trained from different seeds, for each layer of one network, is the most
-- similar layer of another network the corresponding one? A similarity index that cannot
-- find it is not measuring what we want. Kornblith et al. find 99.3 % for linear CKA and
-- 99.1 % for RBF CKA with σ = 0.4 × the median distance (10 Tiny-10 CIFAR-10 networks, logits
-- excluded); CCA-based indices score 1-15 %. Debiased CKA is our addition (no seed figure).
--
-- Parameters (SET VARIABLE name = value; defaults in brackets):
--   models          the networks, a list                      [['cnn-s1', 'cnn-s2', 'cnn-s3']]
--   exclude_layers  layers left out, as in the paper's logits  [['logits']]
--   split           which samples                              ['test']

CREATE OR REPLACE TEMP TABLE layer_similarity AS
WITH picked AS (
  SELECT a.model, a.layer, a.sample_id, a.vec
  FROM activations a JOIN samples s USING (sample_id)
  WHERE list_contains(coalesce(getvariable('models'), ['cnn-s1', 'cnn-s2', 'cnn-s3']), a.model)
    AND NOT list_contains(coalesce(getvariable('exclude_layers'), ['logits']), a.layer)
    AND s.split = coalesce(getvariable('split'), 'test')
)
SELECT a.model AS model_a, a.layer AS layer_a, b.model AS model_b, b.layer AS layer_b,
       cka(a.vec, b.vec) AS linear,
       cka_debiased(a.vec, b.vec) AS debiased,
       cka_rbf(a.vec, b.vec, 0.4) AS rbf_04
FROM picked a JOIN picked b USING (sample_id)
WHERE a.model < b.model
GROUP BY ALL;

-- Table: accuracy of finding the corresponding layer by maximum similarity, per index
WITH both_directions AS (
  SELECT model_a, layer_a, model_b, layer_b, linear, debiased, rbf_04 FROM layer_similarity
  UNION ALL
  SELECT model_b, layer_b, model_a, layer_a, linear, debiased, rbf_04 FROM layer_similarity
),
best AS (
  SELECT model_a, layer_a, model_b,
         arg_max(layer_b, linear) AS by_linear,
         arg_max(layer_b, debiased) AS by_debiased,
         arg_max(layer_b, rbf_04) AS by_rbf_04
  FROM both_directions
  GROUP BY ALL
)
SELECT index_name, round(100 * avg(correct::INTEGER), 1) AS accuracy_percent, count(*) AS trials
FROM (
  SELECT 'CKA (linear)' AS index_name, 1 AS o, by_linear = layer_a AS correct FROM best
  UNION ALL SELECT 'CKA (debiased linear)', 2, by_debiased = layer_a FROM best
  UNION ALL SELECT 'CKA (RBF 0.4)', 3, by_rbf_04 = layer_a FROM best
)
GROUP BY index_name, o
ORDER BY o;
