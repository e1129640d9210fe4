using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FaceNetML.MLNet;

/// <summary>
/// A <see cref="CustomMappingEstimator{TSrc, TDst}"/> whose schema propagation accepts <c>MLImage</c> columns.
/// ML.NET's own check compares image column types by reference, so an image from <c>LoadImages</c> never
/// matches a CustomMapping input; this estimator checks names and kinds instead. <see cref="Fit"/> returns the
/// ordinary <see cref="CustomMappingTransformer{TSrc, TDst}"/>, which saves and loads by its contract name.
/// </summary>
internal sealed class ImageMappingEstimator<TSrc, TDst>(CustomMappingEstimator<TSrc, TDst> inner) : IEstimator<ITransformer>
    where TSrc : class, new()
    where TDst : class, new()
{
    public ITransformer Fit(IDataView input) => inner.Fit(input);

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var result = inputSchema.ToDictionary(c => c.Name);
        foreach (var col in SchemaDefinition.Create(typeof(TSrc), SchemaDefinition.Direction.Read))
        {
            if (!result.TryGetValue(col.ColumnName, out var found))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"input column '{col.ColumnName}' not found");
            var expected = col.ColumnType;
            bool ok = expected is VectorDataViewType v
                ? found.Kind != SchemaShape.Column.VectorKind.Scalar && found.ItemType.RawType == v.ItemType.RawType
                : found.Kind == SchemaShape.Column.VectorKind.Scalar && found.ItemType.RawType == expected.RawType;
            if (!ok)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"input column '{col.ColumnName}': expected {expected}, got {found.ItemType}");
        }
        var builder = new DataViewSchema.Builder();
        foreach (var col in SchemaDefinition.Create(typeof(TDst), SchemaDefinition.Direction.Write))
            builder.AddColumn(col.ColumnName, col.ColumnType);
        foreach (var added in ShapeOf(builder.ToSchema()))
            result[added.Name] = added;
        return new SchemaShape(result.Values);
    }

    // SchemaShape.Create(DataViewSchema) is internal in ML.NET 5; it is the only way to shape a column type we build.
    private static readonly System.Reflection.MethodInfo CreateShape =
        typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic,
            [typeof(DataViewSchema)]) ?? throw new MissingMethodException("SchemaShape.Create(DataViewSchema) not found in this ML.NET version");

    private static SchemaShape ShapeOf(DataViewSchema schema) => (SchemaShape)CreateShape.Invoke(null, [schema])!;
}
