-- Kornblith et al. (2019), Figure 2, beside CKA: the same layer x layer comparison of two networks by mean
-- canonical correlation (CCA ρ̄) and by linear regression (R²). Kornblith et al. show that
-- neither reveals the correspondence of layers between two networks trained from different
-- seeds, while CKA does (cka_matrix.sql draws that one).
--
-- Every layer of model_a against every layer of model_b, on the same samples. linreg_r2 is
-- asymmetric; as in Figure 2 it is the R² of fitting the layer of model_b (columns, the
-- x-axis) from the layer of model_a (rows, the y-axis).
--
-- Parameters (SET VARIABLE name = value; defaults in brackets):
--   model_a      ['cnn-s1']
--   model_b      ['cnn-s2']
--   split        ['test']
--   layer_order  the layers in the order to show them, a list; layers not in it follow in
--                the store's forward order (layers.position)             [none]

-- Table: CCA (ρ̄) and linear regression (R², columns fitted from rows) for every pair of layers
WITH chosen AS (
  SELECT v.model, v.layer, v.sample_id, v.vec
  FROM activations v JOIN samples s USING (sample_id)
  WHERE s.split = coalesce(getvariable('split'), 'test')
    AND v.model IN (coalesce(getvariable('model_a'), 'cnn-s1'),
                    coalesce(getvariable('model_b'), 'cnn-s2'))
),
pairs AS (
  SELECT r.model AS model_a, r.layer AS layer_a, k.model AS model_b, k.layer AS layer_b,
         round(cca(r.vec, k.vec).rho_mean, 3) AS cca_rho_mean,
         round(linreg_r2(k.vec, r.vec), 3) AS linreg_r2
  FROM chosen r JOIN chosen k USING (sample_id)
  WHERE r.model = coalesce(getvariable('model_a'), 'cnn-s1')
    AND k.model = coalesce(getvariable('model_b'), 'cnn-s2')
  GROUP BY ALL
),
ordered AS (
  SELECT model, layer,
         coalesce(list_position(getvariable('layer_order'), layer), 1000 + position) AS rank
  FROM layers
)
SELECT p.* FROM pairs p
JOIN ordered ra ON ra.model = p.model_a AND ra.layer = p.layer_a
JOIN ordered rb ON rb.model = p.model_b AND rb.layer = p.layer_b
ORDER BY ra.rank, p.layer_a, rb.rank, p.layer_b;
