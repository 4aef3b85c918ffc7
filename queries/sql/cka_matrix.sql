-- CKA between layers and between models: how alike are two representations of the same
-- images? Reproduces the KTH thesis §4.1.3 (table 6.15: debiased linear CKA between layers of one
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
--   layer_order  the layers in the order to show them, a list; layers not in it follow in
--                the store's forward order (layers.position)             [none]

-- Table: CKA for every pair of layers (model_a layer = rows, model_b layer = columns)
-- One aggregate per pair: layer_cka('a', 'b') gives the same matrix in one pass when all the
-- layers of both models fit one Gram matrix in the heap (8·(Σd)² bytes; docs/sql-functions.md),
-- which the text encoders' 13 + 13 layers of 384 do not at the tests' -Xmx2g.
WITH picked AS (
  SELECT a.model, a.layer, a.sample_id, a.vec
  FROM activations a JOIN samples s USING (sample_id)
  WHERE s.split = coalesce(getvariable('split'), 'test')
    AND a.model IN (coalesce(getvariable('model_a'), 'cnn-s1'), coalesce(getvariable('model_b'), 'cnn-s2'))
),
similarity AS (
  SELECT a.model AS model_a, a.layer AS layer_a, b.model AS model_b, b.layer AS layer_b,
         round(cka(a.vec, b.vec), 3) AS cka,
         round(cka_debiased(a.vec, b.vec), 3) AS cka_debiased
  FROM picked a JOIN picked b USING (sample_id)
  WHERE a.model = coalesce(getvariable('model_a'), 'cnn-s1')
    AND b.model = coalesce(getvariable('model_b'), 'cnn-s2')
  GROUP BY ALL
),
-- where each layer goes: layer_order first, then the store's forward order, never by name
placed AS (
  SELECT model, layer,
         coalesce(list_position(getvariable('layer_order'), layer), 1000 + position) AS place
  FROM layers
)
SELECT s.* FROM similarity s
JOIN placed pa ON pa.model = s.model_a AND pa.layer = s.layer_a
JOIN placed pb ON pb.model = s.model_b AND pb.layer = s.layer_b
ORDER BY pa.place, s.layer_a, pb.place, s.layer_b;
