using Microsoft.ML;

namespace FaceNetML.MLNet;

/// <summary>
/// The one shape every FaceNetML estimator has: copy the user's columns in under internal names, run the steps, copy
/// the results out under the user's names, drop every internal column. CustomMapping columns have fixed names, so this
/// is how the user's names reach them.
/// </summary>
internal static class ColumnPlumbing
{
    /// <param name="inputs">User column (input) to internal column (output).</param>
    /// <param name="outputs">Internal column (input) to user column (output).</param>
    /// <param name="internalColumns">Further internal columns the steps make, dropped at the end.</param>
    public static IEstimator<ITransformer> Wrap(TransformsCatalog catalog, InputOutputColumnPair[] inputs, IEstimator<ITransformer> steps,
        InputOutputColumnPair[] outputs, params string[] internalColumns)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Copy(catalog, inputs)
            .Append(steps)
            .Append(Copy(catalog, outputs))
            .Append(catalog.DropColumns([.. inputs.Select(p => p.OutputColumnName), .. outputs.Select(p => p.InputColumnName), .. internalColumns]));
    }

    private static IEstimator<ITransformer> Copy(TransformsCatalog catalog, InputOutputColumnPair[] pairs)
    {
        IEstimator<ITransformer> chain = catalog.CopyColumns(pairs[0].OutputColumnName, pairs[0].InputColumnName);
        foreach (var p in pairs.Skip(1))
            chain = chain.Append(catalog.CopyColumns(p.OutputColumnName, p.InputColumnName));
        return chain;
    }
}
