-- Class-group separation layer by layer: as a text encoder goes deeper, do sentences of
-- different groups of categories move into different regions? Reproduces the KTH thesis §4.1.1
-- (tables 6.1-6.9: IPR and GeomCA between class groups) on text, summarised per layer so the
-- trend with depth shows, plus the nearest-centroid accuracy of the single categories.
--
-- Groups of the embedded sentences' WordNet classes (by default): living {noun.animal,
-- noun.plant, noun.person, noun.body}, things {noun.artifact, noun.food, noun.substance} and
-- abstract {noun.feeling, noun.time, noun.location}. As in class_groups.sql, R is one half of
-- its group and E the other half of its group (halves fixed by a hash of the sample id);
-- "same" averages the three same-group cells (both halves from one group), "cross" the three
-- pairs of different groups. IPR (k = 3) and GeomCA (the thesis's §5.3 defaults) precision and
-- recall, and the quality of GeomCA's largest component. The thesis finds IPR's same-group
-- cells 2-10x above the cross-group ones and the largest component's quality 0.50 within a
-- group but far lower between groups. centroid_accuracy: each test sample gets the category
-- whose mean training vector is nearest by cosine (10 classes, chance 0.10); an earlier
-- prototype run (no seed text) found 0.56 at the embeddings rising to 0.87 at the last layer
-- (MiniLM, 964 Debian fortunes labelled by category file).
--
-- Parameters (SET VARIABLE name = value; defaults in brackets):
--   models  the models, a list                                [['minilm-l6']]
--   groups  a MAP from label_name to its group, in group order [the three groups above]
--   split   the samples R and E come from                     ['train']
--   (centroid_accuracy always fits on split 'train' and scores split 'test')

CREATE OR REPLACE TEMP TABLE category_groups AS
WITH g AS (
  SELECT coalesce(getvariable('groups'), MAP {
    'noun.animal': 'living', 'noun.plant': 'living', 'noun.person': 'living', 'noun.body': 'living',
    'noun.artifact': 'things', 'noun.food': 'things', 'noun.substance': 'things',
    'noun.feeling': 'abstract', 'noun.time': 'abstract', 'noun.location': 'abstract'}) AS m
)
SELECT unnest(map_keys(m)) AS label_name, unnest(map_values(m)) AS class_group FROM g;

CREATE OR REPLACE TEMP TABLE group_order AS
SELECT class_group, row_number() OVER (ORDER BY min(rowid)) AS group_order
FROM category_groups GROUP BY class_group;

CREATE OR REPLACE TEMP TABLE category_points AS
SELECT a.model, a.layer, a.sample_id, a.vec, s.label_name, s.split, c.class_group,
       o.group_order, hash(a.sample_id) % 2 = 0 AS first_half
FROM activations a
JOIN samples s USING (sample_id)
JOIN category_groups c USING (label_name)
JOIN group_order o USING (class_group)
WHERE list_contains(coalesce(getvariable('models'), ['minilm-l6']), a.model);

-- Table: same-group vs cross-group IPR and GeomCA, and nearest-centroid accuracy, per layer in forward order
WITH pairs AS (
  SELECT r.class_group AS reference, e.class_group AS evaluation
  FROM group_order r, group_order e
  WHERE r.group_order >= e.group_order
),
scored AS (
  SELECT x.model, x.layer, p.reference = p.evaluation AS same_group,
         ipr(x.vec, x.class_group = p.reference AND x.first_half) AS ipr,
         geomca(x.vec, x.class_group = p.reference AND x.first_half) AS gca
  FROM pairs p
  JOIN category_points x
    ON ((x.class_group = p.reference AND x.first_half)
        OR (x.class_group = p.evaluation AND NOT x.first_half))
   AND x.split = coalesce(getvariable('split'), 'train')
  GROUP BY x.model, x.layer, p.reference, p.evaluation
),
separation AS (
  SELECT model, layer,
         avg(ipr.precision) FILTER (WHERE same_group) AS ipr_precision_same,
         avg(ipr.precision) FILTER (WHERE NOT same_group) AS ipr_precision_cross,
         avg(ipr.recall) FILTER (WHERE same_group) AS ipr_recall_same,
         avg(ipr.recall) FILTER (WHERE NOT same_group) AS ipr_recall_cross,
         avg(gca.precision) FILTER (WHERE same_group) AS geomca_precision_same,
         avg(gca.precision) FILTER (WHERE NOT same_group) AS geomca_precision_cross,
         avg(gca.components[1].quality) FILTER (WHERE same_group) AS quality_same,
         avg(gca.components[1].quality) FILTER (WHERE NOT same_group) AS quality_cross
  FROM scored GROUP BY model, layer
),
-- the centroid's coordinates one by one: DuckDB has no element-wise mean of lists
coordinates AS (
  SELECT model, layer, label_name, unnest(vec) AS v, generate_subscripts(vec, 1) AS i
  FROM category_points WHERE split = 'train'
),
centroids AS (
  SELECT model, layer, label_name, list(v ORDER BY i) AS centroid
  FROM (SELECT model, layer, label_name, i, avg(v) AS v FROM coordinates GROUP BY ALL)
  GROUP BY ALL
),
predicted AS (
  SELECT x.model, x.layer, x.sample_id, x.label_name,
         arg_max(c.label_name, list_cosine_similarity(x.vec, c.centroid)) AS nearest
  FROM category_points x JOIN centroids c USING (model, layer)
  WHERE x.split = 'test'
  GROUP BY ALL
),
accuracy AS (
  SELECT model, layer, avg((nearest = label_name)::INTEGER) AS centroid_accuracy,
         count(*) AS n_test
  FROM predicted GROUP BY ALL
)
SELECT s.model, s.layer,
       round(ipr_precision_same, 3) AS ipr_precision_same,
       round(ipr_precision_cross, 3) AS ipr_precision_cross,
       round(ipr_recall_same, 3) AS ipr_recall_same,
       round(ipr_recall_cross, 3) AS ipr_recall_cross,
       round(geomca_precision_same, 3) AS geomca_precision_same,
       round(geomca_precision_cross, 3) AS geomca_precision_cross,
       round(quality_same, 3) AS quality_same,
       round(quality_cross, 3) AS quality_cross,
       round(a.centroid_accuracy, 3) AS centroid_accuracy,
       a.n_test
FROM separation s
LEFT JOIN accuracy a USING (model, layer)
JOIN layers l USING (model, layer)
ORDER BY list_position(coalesce(getvariable('models'), ['minilm-l6']), s.model), l.position, s.layer;
