import type { IDisplayOptions, INodeProperties, INodePropertyCollection } from 'n8n-workflow';

/**
 * n8n decides whether a parameter is shown by walking its `show` conditions in key order, and it
 * stops with "shown" at the first condition whose field holds an expression
 * (n8n-workflow `NodeHelpers.displayParameter`). A `{ model: [...], operation: [...] }` condition
 * therefore shows the field in every operation as soon as Model is an expression, and the
 * workflow then resolves duplicate-named fields (Size, Model) from the wrong operation.
 *
 * This reorders every `show`/`hide` so the fields that can never hold an expression
 * (`noDataExpression` ones such as resource and operation, and n8n's `@tool`/`@version`) are
 * checked first; the result for fixed values is unchanged.
 */
export function checkFixedFieldsFirst(properties: INodeProperties[]): INodeProperties[] {
	const fixed = new Set(
		properties.filter((property) => property.noDataExpression).map((p) => p.name),
	);
	const rank = (key: string) => (key.startsWith('@') || fixed.has(key.replace(/^\//, '')) ? 0 : 1);
	const reorder = (conditions: IDisplayOptions['show']) =>
		conditions &&
		Object.fromEntries(Object.entries(conditions).sort(([a], [b]) => rank(a) - rank(b)));
	const visit = (property: INodeProperties): INodeProperties => {
		const copy: INodeProperties = { ...property };
		if (property.displayOptions) {
			copy.displayOptions = {
				...property.displayOptions,
				...(property.displayOptions.show ? { show: reorder(property.displayOptions.show) } : {}),
				...(property.displayOptions.hide ? { hide: reorder(property.displayOptions.hide) } : {}),
			};
		}
		if (property.type === 'collection' && property.options) {
			copy.options = (property.options as INodeProperties[]).map(visit);
		}
		if (property.type === 'fixedCollection' && property.options) {
			copy.options = (property.options as INodePropertyCollection[]).map((group) => ({
				...group,
				values: group.values.map(visit),
			}));
		}
		return copy;
	};
	return properties.map(visit);
}
