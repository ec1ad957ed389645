export const API_LOGGER = Symbol('API_LOGGER');
