/** The {@code jdbc:actdb:} JDBC driver (public API: the URL). */
package io.actdb.jdbc;
