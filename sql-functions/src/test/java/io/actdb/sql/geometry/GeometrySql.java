package io.actdb.sql.geometry;

import io.actdb.sql.TestDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Runs ipr, prdc and geomca through SQL and reads their STRUCT results into oracle records. */
final class GeometrySql {
  private GeometrySql() {}

  static Double nullable(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? null : v;
  }

  /** {@code ipr(x, ref [, k])} over {@code table} (k <= 0: the default). */
  static GeometryReference.Ipr ipr(Connection c, String table, int k, String where)
      throws SQLException {
    String call = k > 0 ? "ipr(x, ref, " + k + ")" : "ipr(x, ref)";
    try (var st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT r.precision, r.recall FROM (SELECT "
                    + call
                    + " AS r FROM "
                    + table
                    + " "
                    + where
                    + ")")) {
      rs.next();
      return new GeometryReference.Ipr(nullable(rs, 1), nullable(rs, 2));
    }
  }

  static GeometryReference.Prdc prdc(Connection c, String table, int k, String where)
      throws SQLException {
    String call = k > 0 ? "prdc(x, ref, " + k + ")" : "prdc(x, ref)";
    try (var st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT r.precision, r.recall, r.density, r.coverage FROM (SELECT "
                    + call
                    + " AS r FROM "
                    + table
                    + " "
                    + where
                    + ")")) {
      rs.next();
      return new GeometryReference.Prdc(
          nullable(rs, 1), nullable(rs, 2), nullable(rs, 3), nullable(rs, 4));
    }
  }

  /**
   * {@code <function>(x, ref<arguments>)} over {@code table}, e.g. arguments {@code ", NULL, 0.1,
   * 0.2, 0.5"}; null when the result is NULL.
   */
  static GeometryReference.GeomCa geomca(
      Connection c, String function, String table, String arguments, String where)
      throws SQLException {
    String from =
        "(SELECT " + function + "(x, ref" + arguments + ") AS g FROM " + table + " " + where + ")";
    GeometryReference.GeomCa head;
    try (var st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT g IS NULL, g.precision, g.recall, g.epsilon, g.n_reference, g.n_evaluation,"
                    + " g.network_consistency, g.network_quality, g.n_components FROM "
                    + from)) {
      rs.next();
      if (rs.getBoolean(1)) return null;
      head =
          new GeometryReference.GeomCa(
              nullable(rs, 2),
              nullable(rs, 3),
              rs.getDouble(4),
              rs.getInt(5),
              rs.getInt(6),
              rs.getDouble(7),
              rs.getDouble(8),
              List.of());
    }
    List<GeometryReference.Component> components = new ArrayList<>();
    try (var st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT c.n_reference, c.n_evaluation, c.consistency, c.quality FROM (SELECT"
                    + " unnest(g.components) AS c FROM "
                    + from
                    + ")")) {
      while (rs.next()) {
        components.add(
            new GeometryReference.Component(
                rs.getInt(1), rs.getInt(2), rs.getDouble(3), rs.getDouble(4)));
      }
    }
    return new GeometryReference.GeomCa(
        head.precision(),
        head.recall(),
        head.epsilon(),
        head.nReference(),
        head.nEvaluation(),
        head.networkConsistency(),
        head.networkQuality(),
        components);
  }

  static Connection withSets(float[][] r, float[][] e) throws SQLException {
    Connection c = TestDb.open();
    TestDb.createSets(c, "pts", r, e, null);
    return c;
  }
}
