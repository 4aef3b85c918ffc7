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
-- layer_cka reads each layer once and forms each layer's self-products once (cka_matrix): one
-- Gram matrix of all layers side by side, or, for few samples against the layers' dimensions
-- (the text encoders), one n x n Gram matrix per layer (docs/sql-functions.md).
WITH similarity AS (
  SELECT coalesce(getvariable('model_a'), 'cnn-s1') AS model_a, layer_a,
         coalesce(getvariable('model_b'), 'cnn-s2') AS model_b, layer_b,
         round(cka, 3) AS cka, round(cka_debiased, 3) AS cka_debiased
  FROM layer_cka(coalesce(getvariable('model_a'), 'cnn-s1'),
                 coalesce(getvariable('model_b'), 'cnn-s2'),
                 split := coalesce(getvariable('split'), 'test'))
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
