/**
 * Internal: the pieces of {@code actdb demo} that are not a command: the experiment scripts of
 * {@code queries/sql/} as the demo runs them ({@link io.actdb.cli.demo.ExperimentScript}), their
 * result tables ({@link io.actdb.cli.demo.ResultTable}) and the Markdown report ({@link
 * io.actdb.cli.demo.DemoReport}).
 */
package io.actdb.cli.demo;
