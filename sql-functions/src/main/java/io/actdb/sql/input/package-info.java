/**
 * Internal: checks and copies of aggregate input rows shared by the function families (finite
 * values, matching dimensions), the heap budget of a state, and power-of-two rescaling.
 * Engine-neutral: it sees rows only through {@code io.actdb.sql.spi.VectorColumn}.
 */
package io.actdb.sql.input;
