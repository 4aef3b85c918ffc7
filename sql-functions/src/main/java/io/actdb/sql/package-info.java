/**
 * actdb's SQL functions for DuckDB. {@link io.actdb.sql.ActdbFunctions#register} is the public
 * entry point; everything else in the sub-packages is internal.
 */
package io.actdb.sql;
