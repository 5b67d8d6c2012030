package dev.changelake.jobs.changelog;

import dev.changelake.lake.iceberg.ChangeRowConverter;
import dev.changelake.schema.ChangeRecord;
import dev.changelake.schema.TableId;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends each change, as the lake table's row, to the side output of its table. */
final class RouteFunction extends ProcessFunction<ChangeRecord, Void> {
    private static final long serialVersionUID = 1L;

    /** One lake table: where its rows go and how they are built. */
    static final class Route implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final OutputTag<RowData> tag;
        final ChangeRowConverter converter;

        Route(OutputTag<RowData> tag, ChangeRowConverter converter) {
            this.tag = tag;
            this.converter = converter;
        }
    }

    private final HashMap<TableId, Route> routes;

    RouteFunction(Map<TableId, Route> routes) {
        this.routes = new HashMap<>(routes);
    }

    @Override
    public void processElement(ChangeRecord change, Context ctx, Collector<Void> out) {
        Route route = routes.get(change.table()); // DecodeFunction passes only tables that have a route
        ctx.output(route.tag, route.converter.toRow(change));
    }
}
