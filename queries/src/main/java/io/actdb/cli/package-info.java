/**
 * The {@code actdb} command line: a picocli root command ({@link io.actdb.cli.Actdb}) with one
 * small class per subcommand ({@code sql}, {@code demo}, ...), and the output formats of query
 * results (table, CSV, JSON). Internal: the public interface is the command line itself.
 */
package io.actdb.cli;
