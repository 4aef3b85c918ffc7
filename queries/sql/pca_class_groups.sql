-- Class-group separation after PCA, and with fewer images: does reducing the dimension first
-- change what IPR and GeomCA say? Reproduces the KTH thesis §4.2 (results §6.2, tables 6.24-6.29) on
-- Fashion-MNIST, with the class groups of class_groups.sql (tops, footwear, other).
--
-- As in the thesis, one PCA per layer is fitted on all points of all groups together (pca),
-- keeping k components, and every point is projected on it (pca_project); the reduced points are
-- the same whatever the number of points used afterwards. For every pair of groups (R = one half
-- of the reference group, E = the other half of the evaluation group, as in class_groups.sql) IPR
-- (k = 3) and GeomCA (ε = 10th percentile of R-R distances) precision and recall without and with
-- PCA, on all points and on at most `fewer` points of each set (the thesis: 10k, then 1k and 100).
-- The thesis's layers are 2048-9216-d reduced to 500; the demo's layers are 64-d, reduced to k.
-- The thesis finds PCA changing little: ResNet alike with and without, AlexNet's GeomCA about
-- 0.05-0.1 higher and IPR 20-100 % higher; with fewer points results "similar in nature".
--
-- Parameters (SET VARIABLE name = value; defaults in brackets):
--   model   ['cnn-s1']      layers  [['conv3', 'fc1']]      split  ['train']
--   k       number of principal components kept                    [16]
--   fewer   points per set in the fewer-images runs                [100]

CREATE OR REPLACE TEMP TABLE class_groups (label_name VARCHAR, class_group VARCHAR, group_order INTEGER);
INSERT INTO class_groups VALUES
  ('T-shirt/top', 'tops', 1), ('Pullover', 'tops', 1), ('Coat', 'tops', 1), ('Shirt', 'tops', 1),
  ('Sandal', 'footwear', 2), ('Sneaker', 'footwear', 2), ('Ankle boot', 'footwear', 2),
  ('Trouser', 'other', 3), ('Dress', 'other', 3), ('Bag', 'other', 3);

CREATE OR REPLACE TEMP TABLE pca_group_points AS
SELECT a.layer, a.sample_id, a.vec, g.class_group, g.group_order,
       hash(a.sample_id) % 2 = 0 AS first_half
FROM activations a
JOIN samples s USING (sample_id)
JOIN class_groups g USING (label_name)
WHERE a.model = coalesce(getvariable('model'), 'cnn-s1')
  AND list_contains(coalesce(getvariable('layers'), ['conv3', 'fc1']), a.layer)
  AND s.split = coalesce(getvariable('split'), 'train');

-- One PCA per layer over all groups' points.
CREATE OR REPLACE TEMP TABLE pca_fits AS
SELECT layer, pca(vec, coalesce(getvariable('k'), 16)) AS fit
FROM pca_group_points
GROUP BY layer;

-- Each point with its projection, and its place in a fixed pseudo-random draw within its half.
CREATE OR REPLACE TEMP TABLE pca_points AS
SELECT x.*, pca_project(x.vec, f.fit) AS vec_pca,
       row_number() OVER (
         PARTITION BY x.layer, x.class_group, x.first_half ORDER BY hash(x.sample_id), x.sample_id
       ) AS draw
FROM pca_group_points x JOIN pca_fits f USING (layer);

CREATE OR REPLACE TEMP TABLE pca_scores AS
WITH groups AS (SELECT DISTINCT class_group, group_order FROM class_groups),
pairs AS (
  SELECT r.class_group AS reference, e.class_group AS evaluation, r.group_order AS r_order, e.group_order AS e_order
  FROM groups r, groups e
  WHERE r.group_order >= e.group_order
),
sizes AS (
  SELECT * FROM (VALUES ('all', NULL::BIGINT, 1), ('fewer', coalesce(getvariable('fewer'), 100)::BIGINT, 2)) s(points, max_points, points_order)
)
SELECT p.reference, p.evaluation, p.r_order, p.e_order, x.layer, s.points, s.points_order,
       ipr(x.vec, x.class_group = p.reference AND x.first_half) AS ipr,
       ipr(x.vec_pca, x.class_group = p.reference AND x.first_half) AS ipr_pca,
       geomca(x.vec, x.class_group = p.reference AND x.first_half) AS gca,
       geomca(x.vec_pca, x.class_group = p.reference AND x.first_half) AS gca_pca
FROM pairs p
CROSS JOIN sizes s
JOIN pca_points x
  ON ((x.class_group = p.reference AND x.first_half)
      OR (x.class_group = p.evaluation AND NOT x.first_half))
 AND (s.max_points IS NULL OR x.draw <= s.max_points)
GROUP BY ALL;

-- Table: IPR and GeomCA [precision, recall] of the class groups without and with PCA (R = rows, E = columns; diagonal = same-group benchmark)
WITH layer_positions AS (
  SELECT layer, position FROM layers WHERE model = coalesce(getvariable('model'), 'cnn-s1')
)
SELECT layer, points, reference, evaluation,
       round(ipr.precision, 3) AS ipr_precision,
       round(ipr_pca.precision, 3) AS ipr_precision_pca,
       round(ipr.recall, 3) AS ipr_recall,
       round(ipr_pca.recall, 3) AS ipr_recall_pca,
       round(gca.precision, 3) AS geomca_precision,
       round(gca_pca.precision, 3) AS geomca_precision_pca,
       round(gca.recall, 3) AS geomca_recall,
       round(gca_pca.recall, 3) AS geomca_recall_pca,
       ipr.n_reference AS n_r,
       ipr.n_evaluation AS n_e
FROM pca_scores JOIN layer_positions USING (layer)
ORDER BY position, layer, points_order, r_order, e_order;

-- Table: what PCA changed, per layer and number of points, beside the KTH thesis's findings (§6.2, ImageNet, 500 components)
WITH layer_positions AS (
  SELECT layer, position FROM layers WHERE model = coalesce(getvariable('model'), 'cnn-s1')
),
kept AS (
  SELECT layer, len(fit.components) AS k, list_sum(fit.explained_variance) / fit.total_variance AS variance_kept
  FROM pca_fits
),
changes AS (
  SELECT layer, points, points_order,
         avg((gca_pca.precision - gca.precision + gca_pca.recall - gca.recall) / 2) AS geomca_change,
         avg((ipr_pca.precision + ipr_pca.recall) / nullif(ipr.precision + ipr.recall, 0) - 1)
           FILTER (WHERE reference <> evaluation) AS ipr_change_between,
         avg((ipr_pca.precision + ipr_pca.recall) / nullif(ipr.precision + ipr.recall, 0) - 1)
           FILTER (WHERE reference = evaluation) AS ipr_change_same,
         min(ipr.n_reference) AS min_points
  FROM pca_scores
  GROUP BY ALL
),
ours AS (
  SELECT 'demo: ' || c.layer AS representation, c.points, c.min_points AS smallest_set,
         k.k || ' of ' || (SELECT len(fit.mean) FROM pca_fits f WHERE f.layer = c.layer)
           || ' dims, ' || round(100 * k.variance_kept, 1) || ' % of the variance' AS pca,
         printf('%+.3f', c.geomca_change) AS geomca_change,
         printf('%+.0f %%', 100 * c.ipr_change_between) AS ipr_change_between_groups,
         printf('%+.0f %%', 100 * c.ipr_change_same) AS ipr_change_same_group,
         1 AS source_order, l.position, c.points_order
  FROM changes c JOIN kept k USING (layer) JOIN layer_positions l USING (layer)
),
thesis AS (
  SELECT * FROM (VALUES
    ('thesis: ResNet-AVG', 'all', 10000, '500 of 2048 dims', 'about 0', 'about 0', 'about 0', 2, 1, 1),
    ('thesis: AlexNet-FC', 'all', 10000, '500 of 4096 dims', 'about +0.05', 'about +20 %', 'about +20 %', 2, 2, 1),
    ('thesis: AlexNet-AVG', 'all', 10000, '500 of 9216 dims', 'about +0.1', '+50 to +100 %', '+50 to +100 %', 2, 3, 1),
    ('thesis: all three', '1k, then 100', NULL, '500 dims', 'similar in nature to 10k points', 'no difference seen', 'no difference seen', 2, 4, 2)
  ) t(representation, points, smallest_set, pca, geomca_change, ipr_change_between_groups, ipr_change_same_group, source_order, position, points_order)
)
SELECT representation, points, smallest_set, pca, geomca_change, ipr_change_between_groups, ipr_change_same_group
FROM (SELECT * FROM ours UNION ALL SELECT * FROM thesis)
ORDER BY source_order, position, points_order;
