/** Checks and copies of aggregate input rows, shared by the function families. */
package io.actdb.sql.input;
