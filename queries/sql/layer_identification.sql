-- The layer-identification sanity check of Kornblith et al. (2019), §6.1 (Table 2): given networks of the same
-- architecture trained from different seeds, for each layer of one network, is the most
-- similar layer of another network the corresponding one? A similarity index that cannot
-- find it is not measuring what we want. Kornblith et al. find 99.3 % for linear CKA and
-- 99.1 % for RBF CKA with σ = 0.4 × the median distance (10 Tiny-10 CIFAR-10 networks, logits
-- excluded); CCA-based indices score 1-15 %. Debiased CKA is our addition (no published figure).
-- The first table puts every index of Table 2 beside the paper's accuracy (paper_percent);
-- PWCCA and linear regression are asymmetric and, as in the paper, symmetrised as S + Sᵀ
-- (the index of a against b plus that of b against a). SVCCA keeps 0.99 of the variance.
-- The paper's Linear HSIC row (22.2 %) has no actdb function and is left out.
--
-- Parameters (SET VARIABLE name = value; defaults in brackets):
--   models          the networks, a list                      [['cnn-s1', 'cnn-s2', 'cnn-s3']]
--   exclude_layers  layers left out, as in the paper's logits  [['logits']]
--   split           which samples                              ['test']
--   cca_family      also compute the CCA family (cca, svcca, pwcca, linreg_r2), each pair
--                   paying eigen-decompositions of its layers' scatter     [true]

-- The chosen layers, numbered, and each sample's vectors of all of them in one list: the
-- aggregates below read these once and form every pair from each layer's self-products computed
-- once (cka_matrix, cca_family_matrix): one Gram matrix of all layers side by side, or, for few
-- samples against the layers' dimensions, one n x n Gram matrix per layer.
CREATE OR REPLACE TEMP TABLE chosen_layers AS
SELECT model, layer, row_number() OVER (ORDER BY model, position, layer) AS k
FROM layers
WHERE granularity = 'sample'
  AND list_contains(coalesce(getvariable('models'), ['cnn-s1', 'cnn-s2', 'cnn-s3']), model)
  AND NOT list_contains(coalesce(getvariable('exclude_layers'), ['logits']), layer);

CREATE OR REPLACE TEMP TABLE layer_rows AS
SELECT a.sample_id, list(a.vec ORDER BY c.k) AS vecs
FROM activations a JOIN chosen_layers c USING (model, layer) JOIN samples s USING (sample_id)
WHERE list_contains(coalesce(getvariable('models'), ['cnn-s1', 'cnn-s2', 'cnn-s3']), a.model)
  AND s.split = coalesce(getvariable('split'), 'test')
GROUP BY a.sample_id
HAVING count(*) = (SELECT count(*) FROM chosen_layers);

CREATE OR REPLACE TEMP TABLE linear_similarity AS
WITH pairs AS (SELECT unnest(cka_matrix(vecs)) AS p FROM layer_rows)
SELECT la.model AS model_a, la.layer AS layer_a, lb.model AS model_b, lb.layer AS layer_b,
       p.cka AS linear, p.cka_debiased AS debiased
FROM pairs JOIN chosen_layers la ON la.k = p.i JOIN chosen_layers lb ON lb.k = p.j
WHERE la.model < lb.model;

-- RBF CKA has no such shortcut: one aggregate per pair of layers.
CREATE OR REPLACE TEMP TABLE layer_similarity AS
WITH picked AS (
  SELECT a.model, a.layer, a.sample_id, a.vec
  FROM activations a JOIN samples s USING (sample_id)
  WHERE list_contains(coalesce(getvariable('models'), ['cnn-s1', 'cnn-s2', 'cnn-s3']), a.model)
    AND NOT list_contains(coalesce(getvariable('exclude_layers'), ['logits']), a.layer)
    AND s.split = coalesce(getvariable('split'), 'test')
),
rbf AS (
  SELECT a.model AS model_a, a.layer AS layer_a, b.model AS model_b, b.layer AS layer_b,
         cka_rbf(a.vec, b.vec, 0.4) AS rbf_04,
         cka_rbf(a.vec, b.vec, 0.2) AS rbf_02,
         cka_rbf(a.vec, b.vec, 0.8) AS rbf_08
  FROM picked a JOIN picked b USING (sample_id)
  WHERE a.model < b.model
  GROUP BY ALL
)
SELECT model_a, layer_a, model_b, layer_b, linear, debiased, rbf_04, rbf_02, rbf_08
FROM linear_similarity JOIN rbf USING (model_a, layer_a, model_b, layer_b);

-- The CCA family of every pair in the same way (pwcca and linear regression symmetrised as
-- S + Sᵀ: the index of a against b plus that of b against a). Switched off, no pair has it.
CREATE OR REPLACE TEMP TABLE cca_family AS
WITH pairs AS (
  SELECT unnest(cca_family_matrix(vecs, 0.99)) AS p FROM layer_rows
  WHERE coalesce(getvariable('cca_family'), true)
)
SELECT la.model AS model_a, la.layer AS layer_a, lb.model AS model_b, lb.layer AS layer_b,
       p.cca_rho_mean, p.cca_r2, p.svcca_rho_mean, p.svcca_r2, p.pwcca, p.linreg_r2
FROM pairs JOIN chosen_layers la ON la.k = p.i JOIN chosen_layers lb ON lb.k = p.j;

CREATE OR REPLACE TEMP TABLE cca_similarity AS
SELECT f.model_a, f.layer_a, f.model_b, f.layer_b,
       {'rho_mean': f.cca_rho_mean, 'r2': f.cca_r2} AS cca,
       {'rho_mean': f.svcca_rho_mean, 'r2': f.svcca_r2} AS svcca,
       f.pwcca + r.pwcca AS pwcca_sym,
       f.linreg_r2 + r.linreg_r2 AS linreg_sym
FROM cca_family f JOIN cca_family r
  ON r.model_a = f.model_b AND r.layer_a = f.layer_b
 AND r.model_b = f.model_a AND r.layer_b = f.layer_a
WHERE f.model_a < f.model_b;

DROP TABLE linear_similarity;
DROP TABLE cca_family;
DROP TABLE layer_rows;

-- Table: Kornblith et al. (2019) Table 2, every index, beside the paper's accuracy
WITH every_index AS (
  SELECT * FROM layer_similarity
  LEFT JOIN cca_similarity USING (model_a, layer_a, model_b, layer_b)
),
both_directions AS (
  SELECT model_a, layer_a, model_b, layer_b, linear, rbf_02, rbf_04, rbf_08, cca, svcca,
         pwcca_sym, linreg_sym
  FROM every_index
  UNION ALL
  SELECT model_b, layer_b, model_a, layer_a, linear, rbf_02, rbf_04, rbf_08, cca, svcca,
         pwcca_sym, linreg_sym
  FROM every_index
),
best AS (
  SELECT model_a, layer_a, model_b,
         arg_max(layer_b, cca.rho_mean) AS by_cca_rho,
         arg_max(layer_b, cca.r2) AS by_cca_r2,
         arg_max(layer_b, svcca.rho_mean) AS by_svcca_rho,
         arg_max(layer_b, svcca.r2) AS by_svcca_r2,
         arg_max(layer_b, pwcca_sym) AS by_pwcca,
         arg_max(layer_b, linreg_sym) AS by_linreg,
         arg_max(layer_b, linear) AS by_linear,
         arg_max(layer_b, rbf_02) AS by_rbf_02,
         arg_max(layer_b, rbf_04) AS by_rbf_04,
         arg_max(layer_b, rbf_08) AS by_rbf_08
  FROM both_directions
  GROUP BY ALL
)
SELECT index_name, round(100 * avg(correct::INTEGER), 1) AS accuracy_percent,
       any_value(paper) AS paper_percent, count(*) AS trials
FROM (
  SELECT 'CCA (ρ̄)' AS index_name, 1 AS o, 1.4 AS paper, by_cca_rho = layer_a AS correct
  FROM best
  UNION ALL SELECT 'CCA (R²)', 2, 10.6, by_cca_r2 = layer_a FROM best
  UNION ALL SELECT 'SVCCA (ρ̄)', 3, 9.9, by_svcca_rho = layer_a FROM best
  UNION ALL SELECT 'SVCCA (R²)', 4, 15.1, by_svcca_r2 = layer_a FROM best
  UNION ALL SELECT 'PWCCA', 5, 11.1, by_pwcca = layer_a FROM best
  UNION ALL SELECT 'Linear Reg.', 6, 45.4, by_linreg = layer_a FROM best
  UNION ALL SELECT 'CKA (linear)', 7, 99.3, by_linear = layer_a FROM best
  UNION ALL SELECT 'CKA (RBF 0.2)', 8, 80.6, by_rbf_02 = layer_a FROM best
  UNION ALL SELECT 'CKA (RBF 0.4)', 9, 99.1, by_rbf_04 = layer_a FROM best
  UNION ALL SELECT 'CKA (RBF 0.8)', 10, 99.3, by_rbf_08 = layer_a FROM best
)
GROUP BY index_name, o
ORDER BY o;

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
