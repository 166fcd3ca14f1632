package io.trendstream.records;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/** Flink's type information for {@link ActivityBundle}: serialized by {@link ActivityBundleSerializer}. */
public final class ActivityBundleTypeInfo extends TypeInformation<ActivityBundle> {
    private static final long serialVersionUID = 1L;

    /** Found by Flink's type extraction through {@code @TypeInfo} on {@link ActivityBundle}. */
    public static final class Factory extends TypeInfoFactory<ActivityBundle> {
        @Override
        public TypeInformation<ActivityBundle> createTypeInfo(Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new ActivityBundleTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<ActivityBundle> getTypeClass() {
        return ActivityBundle.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ActivityBundle> createSerializer(SerializerConfig config) {
        return new ActivityBundleSerializer();
    }

    @Override
    public String toString() {
        return "ActivityBundle";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivityBundleTypeInfo;
    }

    @Override
    public int hashCode() {
        return ActivityBundleTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ActivityBundleTypeInfo;
    }
}
