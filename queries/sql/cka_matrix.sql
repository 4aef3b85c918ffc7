-- CKA between layers and between models: how alike are two representations of the same
-- images? Reproduces seed 000 §4.1.3 (table 6.15: debiased linear CKA between layers of one
-- model and across models) as full layer x layer matrices.
--
-- Every layer of model_a against every layer of model_b, on the same samples: linear CKA and
-- debiased linear CKA (the thesis's choice, §2.5.2). With model_a = model_b the diagonal is 1
-- and neighbouring layers are most alike; the thesis finds ~0.8 between adjacent AlexNet
-- layers and ~0.4-0.6 across models.
--
-- Parameters (SET VARIABLE name = value; defaults in brackets):
--   model_a      ['cnn-s1']
--   model_b      ['cnn-s2']
--   split        ['test']
--   layer_order  the layers of both models in forward order, a list; layers not in it sort
--                after, by name                                        [none]

-- Table: CKA for every pair of layers (model_a layer = rows, model_b layer = columns)
WITH picked AS (
  SELECT a.model, a.layer, a.sample_id, a.vec,
         coalesce(list_position(getvariable('layer_order'), a.layer), 1000) AS layer_position
  FROM activations a JOIN samples s USING (sample_id)
  WHERE s.split = coalesce(getvariable('split'), 'test')
    AND a.model IN (coalesce(getvariable('model_a'), 'cnn-s1'), coalesce(getvariable('model_b'), 'cnn-s2'))
)
SELECT a.model AS model_a, a.layer AS layer_a, b.model AS model_b, b.layer AS layer_b,
       round(cka(a.vec, b.vec), 3) AS cka,
       round(cka_debiased(a.vec, b.vec), 3) AS cka_debiased
FROM picked a JOIN picked b USING (sample_id)
WHERE a.model = coalesce(getvariable('model_a'), 'cnn-s1')
  AND b.model = coalesce(getvariable('model_b'), 'cnn-s2')
GROUP BY a.model, a.layer, a.layer_position, b.model, b.layer, b.layer_position
ORDER BY a.layer_position, a.layer, b.layer_position, b.layer;
