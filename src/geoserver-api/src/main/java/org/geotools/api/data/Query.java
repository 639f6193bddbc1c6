package org.geotools.api.data;

/** Stand-in: GeoTools 34.x {@code org.geotools.api.data.Query} (gt-main; constructors only). */
public class Query {
    private String typeName;

    public Query() {
    }

    public Query(String typeName) {
        this.typeName = typeName;
    }

    public Query(Query query) {
        this.typeName = query.typeName;
    }

    public String getTypeName() {
        return typeName;
    }
}
