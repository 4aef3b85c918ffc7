-- Class-group separation: do the representations of different groups of classes occupy
-- different regions? Reproduces the KTH thesis §4.1.1 (tables 6.1-6.9) on Fashion-MNIST, with the
-- groups tops {T-shirt/top, Pullover, Coat, Shirt}, footwear {Sandal, Sneaker, Ankle boot}
-- and other {Trouser, Dress, Bag} standing in for the thesis's Dogs / Vehicles / Random.
--
-- For every pair of groups (reference R, evaluation E) and each layer: IPR (k = 3) and GeomCA
-- (the thesis's defaults, §5.3: ε = 10th percentile of R-R distances, η = 0) precision and
-- recall, and the quality of GeomCA's largest component. R is one half of its group and E the
-- other half of its group (halves fixed by a hash of the sample id), so every cell compares
-- disjoint sets of equal-ish size; on the diagonal both halves come from the same group: the
-- same-group benchmark. The thesis finds IPR's diagonal 2-10x above the off-diagonal cells,
-- GeomCA precision/recall barely lower off the diagonal, and the largest component's quality
-- 0.50 on the diagonal but far lower between groups.
--
-- Parameters (SET VARIABLE name = value before running; defaults in brackets):
--   model   the model to look into                    ['cnn-s1']
--   layers  the layers, a list                        [['conv3', 'fc1']]
--   split   which samples                             ['train']

CREATE OR REPLACE TEMP TABLE class_groups (label_name VARCHAR, class_group VARCHAR, group_order INTEGER);
INSERT INTO class_groups VALUES
  ('T-shirt/top', 'tops', 1), ('Pullover', 'tops', 1), ('Coat', 'tops', 1), ('Shirt', 'tops', 1),
  ('Sandal', 'footwear', 2), ('Sneaker', 'footwear', 2), ('Ankle boot', 'footwear', 2),
  ('Trouser', 'other', 3), ('Dress', 'other', 3), ('Bag', 'other', 3);

CREATE OR REPLACE TEMP TABLE group_points AS
SELECT a.layer, a.sample_id, a.vec, g.class_group, g.group_order,
       hash(a.sample_id) % 2 = 0 AS first_half
FROM activations a
JOIN samples s USING (sample_id)
JOIN class_groups g USING (label_name)
WHERE a.model = coalesce(getvariable('model'), 'cnn-s1')
  AND list_contains(coalesce(getvariable('layers'), ['conv3', 'fc1']), a.layer)
  AND s.split = coalesce(getvariable('split'), 'train');

-- Table: IPR and GeomCA for every pair of class groups (R = rows, E = columns; diagonal = same-group benchmark)
WITH groups AS (SELECT DISTINCT class_group, group_order FROM class_groups),
pairs AS (
  SELECT r.class_group AS reference, e.class_group AS evaluation, r.group_order AS r_order, e.group_order AS e_order
  FROM groups r, groups e
  WHERE r.group_order >= e.group_order
),
scored AS (
  SELECT p.reference, p.evaluation, p.r_order, p.e_order, x.layer,
         ipr(x.vec, x.class_group = p.reference AND x.first_half) AS ipr,
         geomca(x.vec, x.class_group = p.reference AND x.first_half) AS gca
  FROM pairs p
  JOIN group_points x
    ON (x.class_group = p.reference AND x.first_half)
    OR (x.class_group = p.evaluation AND NOT x.first_half)
  GROUP BY ALL
),
-- layers in the model's forward order (the store records it), never by name
layer_positions AS (
  SELECT layer, position FROM layers WHERE model = coalesce(getvariable('model'), 'cnn-s1')
)
SELECT layer, reference, evaluation,
       round(ipr.precision, 3) AS ipr_precision,
       round(ipr.recall, 3) AS ipr_recall,
       round(gca.precision, 3) AS geomca_precision,
       round(gca.recall, 3) AS geomca_recall,
       round(gca.components[1].quality, 3) AS largest_component_quality,
       ipr.n_reference AS n_r,
       ipr.n_evaluation AS n_e
FROM scored JOIN layer_positions USING (layer)
ORDER BY position, layer, r_order, e_order;
