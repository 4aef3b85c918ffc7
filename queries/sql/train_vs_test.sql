-- Training vs test data in representation space: does a model represent the images it was
-- trained on differently from unseen ones? Reproduces the KTH thesis §4.1.2 (tables 6.10-6.14).
--
-- For each class group and layer: R = one half of the group's training samples, E = the
-- group's test samples (train vs test), beside the benchmark R = that half, E = the other
-- half of the training samples (train vs train, different images). IPR (k = 3) and GeomCA
-- precision and recall, and GeomCA's largest-component quality. The thesis finds train vs
-- test close to the train vs train benchmark everywhere: the two are not separated.
--
-- Parameters (SET VARIABLE name = value; defaults in brackets):
--   model   ['cnn-s1']      layers  [['conv3', 'fc1']]

CREATE OR REPLACE TEMP TABLE class_groups (label_name VARCHAR, class_group VARCHAR, group_order INTEGER);
INSERT INTO class_groups VALUES
  ('T-shirt/top', 'tops', 1), ('Pullover', 'tops', 1), ('Coat', 'tops', 1), ('Shirt', 'tops', 1),
  ('Sandal', 'footwear', 2), ('Sneaker', 'footwear', 2), ('Ankle boot', 'footwear', 2),
  ('Trouser', 'other', 3), ('Dress', 'other', 3), ('Bag', 'other', 3);

CREATE OR REPLACE TEMP TABLE split_points AS
SELECT a.layer, a.sample_id, a.vec, g.class_group, g.group_order, s.split,
       hash(a.sample_id) % 2 = 0 AS first_half
FROM activations a
JOIN samples s USING (sample_id)
JOIN class_groups g USING (label_name)
WHERE a.model = coalesce(getvariable('model'), 'cnn-s1')
  AND list_contains(coalesce(getvariable('layers'), ['conv3', 'fc1']), a.layer)
  AND s.split IN ('train', 'test');

-- Table: train vs test beside the train vs train benchmark, per class group
WITH comparisons AS (
  SELECT * FROM (VALUES ('train vs test', 1), ('train vs train', 2)) c(comparison, comparison_order)
),
scored AS (
  SELECT x.layer, x.class_group, x.group_order, c.comparison, c.comparison_order,
         ipr(x.vec, x.split = 'train' AND x.first_half) AS ipr,
         geomca(x.vec, x.split = 'train' AND x.first_half) AS gca
  FROM comparisons c
  JOIN split_points x
    ON (x.split = 'train' AND x.first_half)
    OR (c.comparison = 'train vs test' AND x.split = 'test')
    OR (c.comparison = 'train vs train' AND x.split = 'train' AND NOT x.first_half)
  GROUP BY ALL
),
-- layers in the model's forward order (the store records it), never by name
layer_positions AS (
  SELECT layer, position FROM layers WHERE model = coalesce(getvariable('model'), 'cnn-s1')
)
SELECT layer, class_group, comparison,
       round(ipr.precision, 3) AS ipr_precision,
       round(ipr.recall, 3) AS ipr_recall,
       round(gca.precision, 3) AS geomca_precision,
       round(gca.recall, 3) AS geomca_recall,
       round(gca.components[1].quality, 3) AS largest_component_quality,
       ipr.n_reference AS n_r,
       ipr.n_evaluation AS n_e
FROM scored JOIN layer_positions USING (layer)
ORDER BY position, layer, group_order, comparison_order;
