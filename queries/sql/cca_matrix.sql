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
-- layer_cca reads each layer once and forms every pair from one Gram matrix (cca_family_matrix);
-- linreg_r2_reverse fits layer_b from layer_a.
WITH pairs AS (
  SELECT coalesce(getvariable('model_a'), 'cnn-s1') AS model_a, layer_a,
         coalesce(getvariable('model_b'), 'cnn-s2') AS model_b, layer_b,
         round(cca_rho_mean, 3) AS cca_rho_mean,
         round(linreg_r2_reverse, 3) AS linreg_r2
  FROM layer_cca(coalesce(getvariable('model_a'), 'cnn-s1'),
                 coalesce(getvariable('model_b'), 'cnn-s2'),
                 split := coalesce(getvariable('split'), 'test'))
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
