import { mount } from '../boot.js';
import { ShopApp } from './ShopApp.js';

void mount(<ShopApp />);
